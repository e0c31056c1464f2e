#!/usr/bin/env python3
"""Cold build time of the default site: median of N runs of `python build.py`, each into a new folder.

    python bench/cold_build.py [--runs 3]

Each run is a fresh process with the generated-sources folder removed, so nothing carries over.
Prints every run, the median, and the peak resident memory of the slowest child.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times = []
    with tempfile.TemporaryDirectory() as scratch:
        for run in range(1, args.runs + 1):
            shutil.rmtree(ROOT / ".build", ignore_errors=True)
            out = Path(scratch) / f"site-{run}"
            started = time.perf_counter()
            subprocess.run([sys.executable, "build.py", "--out", str(out), "--renderer", "embedded"],
                           cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - started)
            print(f"run {run}: {times[-1]:.2f} s")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"cold build: median {statistics.median(times):.2f} s over {len(times)} runs "
          f"(min {min(times):.2f}, max {max(times):.2f}); peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
