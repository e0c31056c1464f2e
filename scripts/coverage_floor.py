"""Fail when line or branch coverage is under its floor.

coverage.py's own `fail_under` checks one figure that mixes lines and branches; the project keeps a
floor for each. Reads the JSON report (`coverage json`, or pytest --cov-report=json) and prints both.

    python scripts/coverage_floor.py coverage.json --lines 90 --branches 85
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="coverage's JSON report")
    parser.add_argument("--lines", type=float, required=True, help="lowest line coverage allowed, in percent")
    parser.add_argument("--branches", type=float, required=True, help="lowest branch coverage allowed, in percent")
    args = parser.parse_args(argv)
    totals = json.loads(args.report.read_text(encoding="utf-8"))["totals"]
    measured = {
        "lines": 100 * totals["covered_lines"] / max(totals["num_statements"], 1),
        "branches": 100 * totals["covered_branches"] / max(totals["num_branches"], 1),
    }
    floors = {"lines": args.lines, "branches": args.branches}
    under = [kind for kind in measured if measured[kind] < floors[kind]]
    for kind in measured:
        print(f"{kind} covered: {measured[kind]:.1f} % (floor {floors[kind]:g} %)")
    if under:
        print(f"coverage is under its floor: {', '.join(under)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
