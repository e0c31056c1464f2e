#!/usr/bin/env python3
"""Cold, no-op and one-edit build times, measured in one run on a copy of the project.

    python bench/rebuild.py [--runs 5]
    python bench/rebuild.py --quick    # one run of each, corpora cut to 12 texts, no history: checks the script runs

Cold: no .build/ state and no site. No-op: a second build with nothing changed. One edit: one
data file edited before each build (a locator cell, which needs no verbatim match), for two
files: keywords.csv and tool-types.csv; the number of figures each edit redraws is read from
the build's report.
Prints each median and its ratio to the cold median, against the targets of issue 3
(no-op at most 5 % of cold and under 2 s; one edit at most 25 % of cold).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from project_copy import quick_or_full_copy

EDITED = (  # one file few figures declare, one that several declare
    "data/reported/return-migrant-entrepreneurship/keywords.csv",
    "data/reported/return-migrant-entrepreneurship/tool-types.csv",
)


def timed_build(root: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "build.py"],
        cwd=root,
        check=True,
        stdout=subprocess.DEVNULL,
        env=os.environ | {"PILOTSITE_TOKEN_CACHE": str(root / ".build/cache/tokens")},
    )
    return time.perf_counter() - started


def edit(path: Path, run: int) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] = (
        lines[1].replace("Results", f"Results (bench {run})", 1)
        if run == 0
        else lines[1].replace(f"(bench {run - 1})", f"(bench {run})", 1)
    )
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="one run of each, corpora cut to a few texts, no history")
    args = parser.parse_args()
    if args.quick:
        args.runs = 1
    with tempfile.TemporaryDirectory() as scratch:
        root = quick_or_full_copy(Path(scratch) / "project", args.quick)
        cold = []
        for _ in range(1 if args.quick else 3):
            shutil.rmtree(root / ".build", ignore_errors=True)
            shutil.rmtree(root / "_site", ignore_errors=True)
            cold.append(timed_build(root))
        noop = [timed_build(root) for _ in range(args.runs)]
        edits = {}
        for path in EDITED:
            times = []
            for run in range(args.runs):
                edit(root / path, run)
                times.append(timed_build(root))
            report = json.loads((root / ".build/last-report.json").read_text(encoding="utf-8"))
            edits[(path, len(report["figures_rebuilt"]))] = times
    c, n = statistics.median(cold), statistics.median(noop)
    print(f"cold build      median {c:6.2f} s  runs {', '.join(f'{t:.2f}' for t in cold)}")
    print(
        f"no-op rebuild   median {n:6.2f} s  runs {', '.join(f'{t:.2f}' for t in noop)}  "
        f"= {100 * n / c:.1f} % of cold (target <= 5 % and < 2 s)"
    )
    for (path, figures), times in edits.items():
        e = statistics.median(times)
        print(
            f"edit {Path(path).name:<15} median {e:6.2f} s  runs {', '.join(f'{t:.2f}' for t in times)}  "
            f"= {100 * e / c:.1f} % of cold, {figures} figure(s) redrawn (target <= 25 %)"
        )


if __name__ == "__main__":
    main()
