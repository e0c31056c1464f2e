#!/usr/bin/env python3
"""Cold build time of the default site: median of N runs of `python build.py` on a copy of the project.

    python bench/cold_build.py [--runs 3]
    python bench/cold_build.py --quick     # one run, each corpus cut to 12 texts, no history: checks the script runs

Each run is a fresh process in a fresh copy (no .build/, no site), so nothing carries over and
the checkout's own .build/ and _site/ are never touched. Prints every run, the median, and the
peak resident memory of the largest build process.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from project_copy import quick_or_full_copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one run, corpora cut to a few texts, no history")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    times = []
    with tempfile.TemporaryDirectory() as scratch:
        for run in range(1, runs + 1):
            project = quick_or_full_copy(Path(scratch) / f"project-{run}", args.quick)
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "build.py", "--renderer", "embedded"],
                cwd=project,
                check=True,
                stdout=subprocess.DEVNULL,  # a token cache of its own: a cold run segments every text
                env=os.environ | {"PILOTSITE_TOKEN_CACHE": str(project / ".build/cache/tokens")},
            )
            times.append(time.perf_counter() - started)
            print(f"run {run}: {times[-1]:.2f} s", flush=True)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"cold build: median {statistics.median(times):.2f} s over {len(times)} runs "
        f"(min {min(times):.2f}, max {max(times):.2f}); peak RSS {peak_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
