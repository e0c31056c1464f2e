"""scripts/untraced_tests.py: which tests may start their processes unmeasured, without coverage
losing an arc that only their processes reach."""

from __future__ import annotations

import sys
from collections import Counter

from coverage import CoverageData

from conftest import PROCESS_CONTEXT, ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from untraced_tests import arcs_by_context, main, reached_alone, removable, seconds_per_test


def test_only_tests_whose_every_arc_stays_reached_are_dropped_costliest_first():
    arcs = {
        "": {(1, 1, 2)},  # the tests' own process and the session's build: always measured
        PROCESS_CONTEXT + "t::slow": {(1, 1, 2), (1, 2, 3), (2, 5, 6)},
        PROCESS_CONTEXT + "t::middle": {(1, 2, 3), (2, 5, 6)},
        PROCESS_CONTEXT + "t::fast": {(2, 5, 6), (2, 6, 7)},
        PROCESS_CONTEXT + "t::alone": {(3, 1, 2)},
    }
    seconds = Counter({"t::slow": 60.0, "t::middle": 20.0, "t::fast": 5.0, "t::alone": 1.0})
    # slow goes (middle and fast still reach its arcs); middle is then the only one to reach 2→3
    assert removable(arcs, seconds) == ["t::slow"]
    # without durations the test that reaches most is tried first
    assert removable(arcs, Counter()) == ["t::slow"]
    arcs[PROCESS_CONTEXT + "t::twin"] = {(1, 2, 3), (2, 5, 6)}
    assert removable(arcs, seconds) == ["t::slow", "t::middle"]


def test_reads_a_coverage_data_file_and_pytests_durations(tmp_path, capsys):
    data = CoverageData(str(tmp_path / ".coverage"))
    for context, arcs in (
        ("", [(1, 2)]),
        (PROCESS_CONTEXT + "t.py::a", [(1, 2), (2, 3)]),
        (PROCESS_CONTEXT + "t.py::b", [(2, 3)]),
    ):
        data.set_context(context)
        data.add_arcs({str(tmp_path / "m.py"): arcs})
    data.write()
    found = arcs_by_context(tmp_path / ".coverage")
    assert {c: len(a) for c, a in found.items()} == {
        "": 1,
        PROCESS_CONTEXT + "t.py::a": 2,
        PROCESS_CONTEXT + "t.py::b": 1,
    }
    durations = tmp_path / "durations.txt"
    durations.write_text(
        "12.50s call     t.py::a[one]\n2.50s setup    t.py::a[two]\n1.00s call     t.py::b\n", encoding="utf-8"
    )
    assert seconds_per_test(durations) == Counter({"t.py::a": 15.0, "t.py::b": 1.0})
    assert main([str(tmp_path / ".coverage"), "--durations", str(durations)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].split() == ["15.0", "s", "t.py::a"]
    assert printed[1].startswith("1 of 2 tests that start processes may start them untraced (15 s of the 16 s")
    # b stays measured: once a is untraced, no other process reaches its arc 2->3 (lines 2 and 3 of m.py)
    assert printed[3].split() == ["1.0", "s", "t.py::b", "stays", "measured:", "1", "arcs", "only", "it", "reaches"]
    assert printed[4].strip() == f"{tmp_path / 'm.py'}: 2, 3"


def test_the_lines_only_a_measured_test_reaches_are_named():
    arcs = {
        "": {(1, 1, 2)},
        PROCESS_CONTEXT + "t::slow": {(1, 1, 2), (1, 2, 3), (1, 3, -1)},
        PROCESS_CONTEXT + "t::other": {(1, 2, 3), (2, 5, 6)},
        PROCESS_CONTEXT + "t::gone": {(1, 3, -1)},
    }
    # with gone untraced, slow alone reaches 3 -> exit; other alone reaches 5 -> 6; 1 -> 2 is
    # the tests' own and 2 -> 3 is reached by both
    assert reached_alone(arcs, ["t::gone"]) == {"t::slow": {(1, 3, -1)}, "t::other": {(2, 5, 6)}}
    assert reached_alone(arcs, []) == {"t::slow": set(), "t::other": {(2, 5, 6)}, "t::gone": set()}
