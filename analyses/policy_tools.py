"""Policy-tool proportions reported by Fan Yu et al. (2024) for return-migrant entrepreneurship policy.

The article codes central and provincial policy texts into supply-, demand- and
environment-oriented tools (NVivo) and reports shares of all coded tool uses. These figures
redraw the published numbers exactly as printed; they do not recompute them.
"""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd

from pilotsite.api import Check, Figure, Listed, Text, bilingual, link_marks, named, value_names

DOCUMENT = "return-migrant-entrepreneurship"
TABLES = f"data/reported/{DOCUMENT}"
TYPE_ORDER = ["supply", "demand", "environment"]
LEVELS = ("central", "local")  # levels the catalogues name (fig.level_title.*); others are shown as they are


def figures(catalog) -> list[Figure]:
    if DOCUMENT not in catalog.documents:  # the article was withdrawn: its figures' versions stay published
        return []
    common: dict[str, Any] = dict(kind="policy-tools", documents=(DOCUMENT,))
    return [
        Figure(
            id="return-migrant-tool-types",
            title=Text("fig.policy_tools.tool_types.title"),
            caption=Text("fig.policy_tools.tool_types.caption"),
            inputs=(f"{TABLES}/tool-types.csv",),
            compute=tool_types,
            draw=draw_tool_types,
            describe=describe_shares,
            checks=check_tool_types,
            headline=headline_tool_types,
            size=(6.0, 3.2),
            primary_key=("tool_type",),
            **common,
        ),
        Figure(
            id="return-migrant-sub-tools",
            title=Text("fig.policy_tools.sub_tools.title"),
            caption=Text("fig.policy_tools.sub_tools.caption"),
            inputs=(f"{TABLES}/sub-tools.csv", f"{TABLES}/tool-types.csv"),
            compute=sub_tools,
            draw=draw_sub_tools,
            describe=describe_shares,
            checks=check_sub_tools,
            size=(7.0, 4.2),
            primary_key=("tool_type", "sub_tool"),
            **common,
        ),
        Figure(
            id="return-migrant-regions",
            title=Text("fig.policy_tools.regions.title"),
            caption=Text("fig.policy_tools.regions.caption"),
            inputs=(f"{TABLES}/regions.csv", f"{TABLES}/tool-types.csv"),
            compute=regions,
            draw=draw_regions,
            describe=describe_shares,
            checks=check_regions,
            size=(6.5, 3.6),
            primary_key=("region", "tool_type"),
            # the bars name each region in both languages
            drawn_names={"region": {r: named("region", r, REGION_COLOURS) for r in REGION_COLOURS}},
            **common,
        ),
        Figure(
            id="return-migrant-keywords",
            title=Text("fig.policy_tools.keywords.title"),
            caption=Text("fig.policy_tools.keywords.caption"),
            inputs=(f"{TABLES}/keywords.csv",),
            compute=keywords,
            draw=draw_keywords,
            describe=describe_shares,
            checks=check_keywords,
            size=(7.0, 3.4),
            primary_key=("level", "rank"),
            **common,
        ),
    ]


def _provenance(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame[columns + ["share_pct", "locator", "quote", "document_id"]].reset_index(drop=True)


def tool_types(inputs) -> pd.DataFrame:
    frame = inputs.reported(f"{TABLES}/tool-types.csv")
    frame = frame.assign(order=frame["tool_type"].map(TYPE_ORDER.index)).sort_values("order")
    return _provenance(frame, ["tool_type"])


def sub_tools(inputs) -> pd.DataFrame:
    frame = inputs.reported(f"{TABLES}/sub-tools.csv")
    frame = frame.assign(order=frame["tool_type"].map(TYPE_ORDER.index)).sort_values(
        ["order", "share_pct"], ascending=[True, False]
    )
    types = inputs.reported(f"{TABLES}/tool-types.csv").set_index("tool_type")["share_pct"]
    result = _provenance(frame, ["tool_type", "sub_tool"])
    result.insert(3, "type_share_pct", result["tool_type"].map(types))
    return result


def regions(inputs) -> pd.DataFrame:
    frame = inputs.reported(f"{TABLES}/regions.csv")
    order = {"east": 0, "central": 1, "west": 2}
    frame = frame.assign(r=frame["region"].map(order), t=frame["tool_type"].map(TYPE_ORDER.index)).sort_values(
        ["t", "r"]
    )
    overall = inputs.reported(f"{TABLES}/tool-types.csv").set_index("tool_type")["share_pct"]
    result = _provenance(frame, ["region", "tool_type"])
    result.insert(3, "overall_share_pct", result["tool_type"].map(overall))
    return result


def keywords(inputs) -> pd.DataFrame:
    frame = inputs.reported(f"{TABLES}/keywords.csv").sort_values(["level", "rank"])
    return _provenance(frame, ["level", "rank", "keyword"])


def _label_bars(ax, bars, values) -> None:
    for bar, value in zip(bars, values, strict=True):
        ax.annotate(
            f"{value:g}%",
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )


def _horizontal_bars(fig, labels, values, colours, xlabel: str, xmax: float) -> None:
    """Bars top to bottom in table order, each labelled with its value and leading to the passage
    that reports it."""
    ax = fig.add_subplot()
    bars = ax.barh(list(labels)[::-1], list(values)[::-1], color=list(colours)[::-1])
    _label_bars(ax, bars, list(values)[::-1])
    link_marks(
        bars,
        reversed(range(len(bars))),
        [f"{' / '.join(label.splitlines())}: {value:g} %" for label, value in zip(labels, values, strict=True)][::-1],
    )
    ax.set_xlabel(xlabel)
    ax.set_xlim(0, xmax)


TYPE_COLOURS = {"supply": "#0072B2", "demand": "#E69F00", "environment": "#009E73"}
REGION_COLOURS = {"east": "#0072B2", "central": "#E69F00", "west": "#009E73"}


def type_label(tool_type: str) -> str:
    """A tool type as the figures draw it, in both languages: Supply-oriented 供给型."""
    return bilingual(f"axis.tool_type.{tool_type}", joiner=" ")


def draw_tool_types(data: pd.DataFrame, fig) -> None:
    _horizontal_bars(
        fig,
        [type_label(t) for t in data["tool_type"]],
        data["share_pct"],
        [TYPE_COLOURS[t] for t in data["tool_type"]],
        bilingual("axis.policy_tools.share_of_uses"),
        60,
    )


def draw_sub_tools(data: pd.DataFrame, fig) -> None:
    _horizontal_bars(
        fig,
        [f"{s} ({t})" for s, t in zip(data["sub_tool"], data["tool_type"], strict=True)],
        data["share_pct"],
        [TYPE_COLOURS[t] for t in data["tool_type"]],
        bilingual("axis.policy_tools.share_of_uses"),
        max(data["share_pct"]) * 1.25,
    )


def draw_regions(data: pd.DataFrame, fig) -> None:
    _horizontal_bars(
        fig,
        [
            bilingual(
                "axis.policy_tools.type_in_region", type=Text(f"axis.tool_type.{t}"), region=value_names("region", r)
            )
            for r, t in zip(data["region"], data["tool_type"], strict=True)
        ],
        data["share_pct"],
        [REGION_COLOURS[r] for r in data["region"]],
        bilingual("axis.policy_tools.share_of_region"),
        65,
    )


def draw_keywords(data: pd.DataFrame, fig) -> None:
    axes = fig.subplots(1, 2, sharex=True)
    for ax, level, colour in zip(axes, ["central", "local"], ["#0072B2", "#D55E00"], strict=False):
        rows = data[data["level"] == level].iloc[::-1]
        bars = ax.barh(rows["keyword"], rows["share_pct"], color=colour)
        _label_bars(ax, bars, list(rows["share_pct"]))
        link_marks(
            bars,
            rows.index,
            [
                Text(f"axis.tip.policy_tools.keyword_{level}", word=w, share=f"{s:g}")
                for w, s in zip(rows["keyword"], rows["share_pct"], strict=True)
            ],
        )
        ax.set_title(bilingual(f"axis.policy_tools.{level}_policies"), fontsize=10)
        ax.set_xlabel(bilingual("axis.share_as_reported"))
    axes[0].set_xlim(0, max(data["share_pct"]) * 1.3)


def describe_shares(data: pd.DataFrame) -> Text:
    """Alt text listing every bar with its value, in the table's order."""
    keys = [
        c
        for c in data.columns
        if c not in ("share_pct", "locator", "quote", "document_id", "rank") and not c.endswith("_pct")
    ]
    parts = tuple(
        Text(
            "fig.policy_tools.alt_bar",
            name=functools.reduce(
                lambda first, second: Text("fig.policy_tools.alt_words", first=first, second=second),
                [alt_value(k, row[k]) for k in keys],
            ),
            share=f"{row['share_pct']:g}",
        )
        for _, row in data.iterrows()
    )
    return Text("fig.policy_tools.alt", bars=parts)


def alt_value(column: str, value: object) -> Text | str:
    """A value of the table in the alt text: tool types and regions as each edition names them."""
    if column == "tool_type":
        return named("tool_type_word", str(value), TYPE_ORDER)
    if column == "region":
        return named("region", str(value), REGION_COLOURS)
    return str(value)


def type_name(tool_type: str) -> Text | str:
    return named("tool_type", tool_type, TYPE_ORDER)


def headline_tool_types(data: pd.DataFrame) -> Text:
    top = data.sort_values("share_pct", ascending=False).iloc[0]
    others = Listed(
        tuple(
            Text(
                "fig.policy_tools.tool_types.headline_other",
                type=named("tool_type_word", r["tool_type"], TYPE_ORDER),
                share=f"{r['share_pct']:g}",
            )
            for _, r in data.iterrows()
            if r["tool_type"] != top["tool_type"]
        ),
        "text.comma_separator",
    )
    return Text(
        "fig.policy_tools.tool_types.headline",
        type=type_name(top["tool_type"]),
        share=f"{top['share_pct']:g}",
        others=others,
    )


def check_tool_types(data: pd.DataFrame) -> list[Check]:
    total = round(float(data["share_pct"].sum()), 2)
    gap = round(abs(100 - total), 2)
    return [
        Check(
            Text("check.policy_tools.types_reported"),
            set(data["tool_type"]) == set(TYPE_ORDER),
            Text(
                "check.policy_tools.types_reported_detail",
                types=Listed(
                    tuple(named("tool_type_word", t, TYPE_ORDER) for t in data["tool_type"]), "text.comma_separator"
                ),
            ),
        ),
        Check(
            Text("check.policy_tools.sum_to_100"),
            gap <= rounding_tolerance(data["share_pct"]),
            Text(
                "check.policy_tools.sum_to_100_detail",
                sum=" + ".join(f"{v:g}" for v in data["share_pct"]),
                total=f"{total:g}",
                gap=f"{gap:g}",
                tolerance=f"{rounding_tolerance(data['share_pct']):g}",
            ),
        ),
    ]


def rounding_tolerance(shares: pd.Series) -> float:
    """How far from their true sum shares as printed can add up: half a unit of the last decimal
    each is printed to (the article gives 50.82, 23.7 and 25.47: 0.005 + 0.05 + 0.005). The
    shares come as numbers, so a printed trailing zero is not seen: 50.00 counts as 50, whose
    tolerance is wider than its printing needs (the check errs towards passing)."""
    decimals = [len(f"{v:g}".partition(".")[2]) for v in shares]
    return round(sum(0.5 * 10**-d for d in decimals), 6)


def check_sub_tools(data: pd.DataFrame) -> list[Check]:
    checks = []
    for tool_type, rows in data.groupby("tool_type", sort=False):
        listed = round(float(rows["share_pct"].sum()), 2)
        whole = float(rows["type_share_pct"].iloc[0])
        checks.append(
            Check(
                Text("check.policy_tools.sub_tools_fit", type=type_name(tool_type)),
                listed <= whole + rounding_tolerance(pd.concat([rows["share_pct"], rows["type_share_pct"].iloc[:1]])),
                Text(
                    "check.policy_tools.sub_tools_fit_detail",
                    count=len(rows),
                    listed=f"{listed:g}",
                    whole=f"{whole:g}",
                    rest=f"{round(whole - listed, 2):g}",
                ),
            )
        )
    return checks


def check_regions(data: pd.DataFrame) -> list[Check]:
    # No check that the overall share lies between the regional ones: the article states two of the
    # three regions (not the central region), and its overall sample has the central government's
    # documents too, so the overall share need not be a mean of the shares it states.
    checks = []
    for region, rows in data.groupby("region", sort=False):
        total = round(float(rows["share_pct"].sum()), 2)
        checks.append(
            Check(
                Text("check.policy_tools.region_within_100", region=named("region", region, REGION_COLOURS)),
                total <= 100,
                Text(
                    "check.policy_tools.region_within_100_detail",
                    region=named("region", region, REGION_COLOURS),
                    total=f"{total:g}",
                ),
            )
        )
    return checks


def check_keywords(data: pd.DataFrame) -> list[Check]:
    checks = []
    for level, rows in data.groupby("level"):
        ordered = list(rows.sort_values("rank")["share_pct"])
        checks.append(
            Check(
                Text("check.policy_tools.keywords_descending", level=named("level_title", level, LEVELS)),
                ordered == sorted(ordered, reverse=True),
                Text(
                    "check.policy_tools.keywords_descending_detail",
                    count=len(ordered),
                    shares=", ".join(f"{v:g}" for v in ordered),
                ),
            )
        )
    return checks
