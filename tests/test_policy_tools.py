"""The consistency checks of the policy-tool analysis, on tiny tables with known answers."""

import pandas as pd

from conftest import ROOT
from pilotsite.figures.figure import Check, load_module
from pilotsite.inputs.interface import load_interface

policy_tools = load_module(ROOT / "analyses/policy_tools.py", ROOT)
INTERFACE = load_interface(ROOT)


def in_words(checks, language: str = "en") -> list[Check]:
    """The checks as an edition shows them (the analysis gives catalogue Texts)."""
    return [Check(INTERFACE.resolve(c.name, language), c.passed, INTERFACE.resolve(c.detail, language)) for c in checks]


def by_name(checks, language: str = "en"):
    return {c.name: c for c in in_words(checks, language)}


def test_published_shares_summing_to_99_99_pass_within_rounding():
    data = pd.DataFrame({"tool_type": ["supply", "demand", "environment"], "share_pct": [50.82, 23.7, 25.47]})
    check = by_name(policy_tools.check_tool_types(data))["The three shares add up to 100 % within rounding"]
    assert check.passed and "= 99.99 %" in check.detail and "0.01 points" in check.detail
    # 23.7 is printed to one decimal: half a unit of each share's last printed decimal, not 0.05 for all
    assert "(tolerance 0.06 points: half a unit of the last decimal each share is printed to)" in check.detail
    check = by_name(policy_tools.check_tool_types(data), "zh")["三项占比之和在舍入误差内等于 100%"]
    assert check.passed and "= 99.99%" in check.detail and "相差 0.01 个百分点" in check.detail


def test_shares_that_do_not_add_up_fail():
    data = pd.DataFrame({"tool_type": ["supply", "demand", "environment"], "share_pct": [50.82, 23.7, 20.0]})
    checks = policy_tools.check_tool_types(data)
    assert not by_name(checks)["The three shares add up to 100 % within rounding"].passed


def test_sub_tools_larger_than_their_type_fail():
    data = pd.DataFrame(
        {
            "tool_type": ["demand", "demand"],
            "sub_tool": ["a", "b"],
            "share_pct": [20.0, 10.0],
            "type_share_pct": [23.7, 23.7],
        }
    )
    [check] = in_words(policy_tools.check_sub_tools(data))
    assert not check.passed and "sum to 30 %" in check.detail


def test_shares_printed_to_fewer_decimals_are_allowed_more_rounding():
    assert policy_tools.rounding_tolerance(pd.Series([50.82, 23.7, 25.47])) == 0.06
    # numbers without decimals, as 50, 25, 25 are printed (and as 50.00 reads: trailing zeros are not seen)
    assert policy_tools.rounding_tolerance(pd.Series([50.0, 25.0, 25.0])) == 1.5
    data = pd.DataFrame({"tool_type": ["supply", "demand", "environment"], "share_pct": [50.8, 23.7, 25.4]})
    assert by_name(policy_tools.check_tool_types(data))["The three shares add up to 100 % within rounding"].passed


def test_no_region_check_claims_what_the_article_does_not_state():
    """The overall share had to lie between the regional shares, as a weighted mean of them: but
    the article states two of three regions, and its overall sample has central documents too."""
    data = pd.DataFrame(
        {
            "region": ["east", "west"],
            "tool_type": ["supply", "supply"],
            "share_pct": [48.22, 52.96],
            "overall_share_pct": [55.0, 55.0],
        }
    )
    checks = by_name(policy_tools.check_regions(data))
    assert all(c.passed for c in checks.values()) and all(name.startswith("Stated ") for name in checks), checks


def test_alt_text_lists_every_value():
    data = pd.DataFrame({"tool_type": ["supply", "demand"], "share_pct": [50.82, 23.7]})
    alt = INTERFACE.resolve(policy_tools.describe_shares(data))
    assert "supply: 50.82%" in alt and "demand: 23.7%" in alt


def test_reported_tables_become_figure_data(project_copy):
    from pilotsite.figures.figure import Catalog, discover
    from pilotsite.figures.outputs import evaluate as run_figure
    from pilotsite.inputs.documents import load_documents
    from pilotsite.inputs.project import open_project
    from pilotsite.inputs.reported import load_reported
    from pilotsite.inputs.timelines import load_events, load_stages

    project = open_project(project_copy)
    docs = load_documents(project)
    catalog = Catalog(
        project, docs, load_events(project, docs), load_stages(project, docs), load_reported(project, docs)
    )
    figures = {f.id: f for f in discover(catalog)}
    types = run_figure(figures["return-migrant-tool-types"], catalog).data
    assert types[["tool_type", "share_pct"]].values.tolist() == [
        ["supply", 50.82],
        ["demand", 23.7],
        ["environment", 25.47],
    ]
    subs = run_figure(figures["return-migrant-sub-tools"], catalog).data
    assert len(subs) == 9 and subs.iloc[0][["sub_tool", "share_pct"]].tolist() == ["entrepreneurial park", 10.84]
    regions = run_figure(figures["return-migrant-regions"], catalog)
    assert all(c.passed for c in regions.checks) and len(regions.checks) == 3  # one per region the article states
