"""Which tests may start their processes untraced without coverage losing a line or a branch.

Coverage of the builds a test starts costs about a third of their time (tests/conftest.py). Many
tests build the project only to check something of the site, and reach no line that other tests'
builds do not reach too. From a run whose processes were measured per test:

    PILOTSITE_COVERAGE_CONTEXTS=1 python -m pytest -n auto --durations=0 --cov \\
        --cov-report= > durations.txt
    python scripts/untraced_tests.py .coverage --durations durations.txt

this prints the tests whose processes reach only arcs (branches, and so lines) that the processes
of the tests left measured, or the tests' own processes, reach too: the costliest first (by the
durations pytest printed), each dropped only while every arc it reached stays reached by a
measured one. Mark them @pytest.mark.untraced. Then, for the costliest tests that must stay
measured (--alone N of them), the lines only their processes reach: a test of its own for those
lines (cheaper than a build) lets such a test go untraced too. What a test's own process runs
stays measured whatever the mark, as does a build shared by the session (conftest.first_build).

Reads coverage.py's SQLite data file directly: its arc table holds, per context, every arc
measured, which the CoverageData API gives only one context at a time.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
from collections import Counter, defaultdict
from pathlib import Path

PROCESS_CONTEXT = "process:"  # tests/conftest.py: the static context of a test's processes
Arcs = set[tuple[int, int, int]]  # (file id, from line, to line)
DURATION = re.compile(r"^\s*([0-9.]+)s (?:setup|call|teardown)\s+(\S+)")


def arcs_by_context(data_file: Path) -> dict[str, Arcs]:
    """Every measured arc, (file id, from, to), by the context it was measured in."""
    with sqlite3.connect(f"file:{data_file}?mode=ro", uri=True) as db:
        names = dict(db.execute("SELECT id, context FROM context"))
        found: dict[str, Arcs] = defaultdict(set)
        for file_id, context_id, start, end in db.execute("SELECT file_id, context_id, fromno, tono FROM arc"):
            found[names[context_id]].add((file_id, start, end))
    if not found:
        raise SystemExit(f"{data_file}: no arcs measured (run with branch coverage: pyproject.toml sets it)")
    return found


def seconds_per_test(durations: Path | None) -> Counter[str]:
    """Seconds per test function (setup, call and teardown, over its parameters) from the
    lines `pytest --durations=0` prints."""
    seconds: Counter[str] = Counter()
    if durations is not None:
        for line in durations.read_text(encoding="utf-8", errors="replace").splitlines():
            if match := DURATION.match(line):
                seconds[match.group(2).split("[")[0]] += float(match.group(1))
    return seconds


def by_test(arcs: dict[str, Arcs]) -> tuple[dict[str, Arcs], Arcs]:
    """The arcs of each test's processes, by test id, and those always measured: the tests' own
    processes' and the session's shared build's."""
    tests = {c.removeprefix(PROCESS_CONTEXT): a for c, a in arcs.items() if c.startswith(PROCESS_CONTEXT)}
    kept = set().union(*(a for c, a in arcs.items() if not c.startswith(PROCESS_CONTEXT)))
    return tests, kept


def removable(arcs: dict[str, Arcs], seconds: Counter[str]) -> list[str]:
    """The tests whose processes may go unmeasured, costliest first."""
    candidates, kept = by_test(arcs)
    reached = Counter(arc for a in candidates.values() for arc in a - kept)
    dropped = []
    for test in sorted(candidates, key=lambda t: (-seconds[t], -len(candidates[t]), t)):
        own = candidates[test] - kept
        if all(reached[arc] > 1 for arc in own):
            reached.subtract(own)
            dropped.append(test)
    return dropped


def reached_alone(arcs: dict[str, Arcs], dropped: list[str]) -> dict[str, Arcs]:
    """For each test left measured, the arcs that no other measured process reaches (nor the
    tests' own processes): what coverage would lose if it went untraced as well."""
    tests, kept = by_test(arcs)
    measured = {test: a for test, a in tests.items() if test not in dropped}
    reached = Counter(arc for a in measured.values() for arc in a - kept)
    return {test: {arc for arc in a - kept if reached[arc] == 1} for test, a in measured.items()}


def file_names(data_file: Path) -> dict[int, str]:
    with sqlite3.connect(f"file:{data_file}?mode=ro", uri=True) as db:
        return dict(db.execute("SELECT id, path FROM file"))


def lines_of(arcs: Arcs, names: dict[int, str]) -> list[str]:
    """file: its lines (the arcs' ends that are lines, not a function's entry or exit), by file."""
    lines: dict[str, set[int]] = defaultdict(set)
    for file_id, start, end in arcs:
        lines[names[file_id]].update(n for n in (start, end) if n > 0)
    return [f"{name}: {', '.join(map(str, sorted(found)))}" for name, found in sorted(lines.items())]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_file", type=Path, help="the combined .coverage of a PILOTSITE_COVERAGE_CONTEXTS=1 run")
    parser.add_argument("--durations", type=Path, help="the output of that run (pytest --durations=0)")
    parser.add_argument(
        "--alone", type=int, default=5, metavar="N", help="the lines only each of the N costliest measured tests reach"
    )
    options = parser.parse_args(argv)
    arcs = arcs_by_context(options.data_file)
    if not any(c.startswith(PROCESS_CONTEXT) for c in arcs):
        print(f"{options.data_file}: no test's processes were measured apart (PILOTSITE_COVERAGE_CONTEXTS=1)")
        return 1
    seconds = seconds_per_test(options.durations)
    dropped = removable(arcs, seconds)
    for test in dropped:
        print(f"{seconds[test]:8.1f} s  {test}")
    measured = [c.removeprefix(PROCESS_CONTEXT) for c in arcs if c.startswith(PROCESS_CONTEXT)]
    print(
        f"{len(dropped)} of {len(measured)} tests that start processes may start them untraced "
        f"({sum(seconds[t] for t in dropped):.0f} s of the {sum(seconds[t] for t in measured):.0f} s those tests took)"
    )
    alone = reached_alone(arcs, dropped)
    names = file_names(options.data_file)
    for test in sorted(alone, key=lambda t: (-seconds[t], t))[: options.alone]:
        print(f"\n{seconds[test]:8.1f} s  {test} stays measured: {len(alone[test])} arcs only it reaches")
        for line in lines_of(alone[test], names):
            print(f"          {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
