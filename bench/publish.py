#!/usr/bin/env python3
"""Bytes newly written and publish time for a one-figure edit, on a copy of the project.

    python bench/publish.py [--full-corpus ../shared/corpora/cn-regulations] [--runs 3]
    python bench/publish.py --quick    # one edit, corpora cut to 12 texts, no history: checks the script runs

After a cold build, each run edits one data file (a locator cell of keywords.csv, which one figure
declares) and builds again. Before each edited build, every file of the site and of .build/ is
held by a hard link in a snapshot folder, so no inode is freed and reused during the build: a
file of the new site whose inode is not in the snapshot holds bytes this build wrote; a file
whose inode is there was linked, not written. Prints, per run and as medians: those new bytes
against the whole site (target: at most 10 %), the new bytes under .build/, and the seconds of
the build and of its last step (indexing, link check and publish), read from the build's
summary of phases. With --full-corpus, the same on a project whose corpus is the full one.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from project_copy import copy_project, quick_or_full_copy

EDITED = "data/reported/return-migrant-entrepreneurship/keywords.csv"
LAST_STEP = ("search", "links", "publish")  # the phases of step 7 (pilotsite/pipeline.py)


def files_of(folder: Path) -> dict[Path, os.stat_result]:
    found = {}
    for directory, _, names in os.walk(folder):
        for name in names:
            path = Path(directory) / name
            found[path] = path.lstat()
    return found


def snapshot(folders: list[Path], into: Path) -> set[tuple[int, int]]:
    """Hard links to every file of folders under into (keeping their inodes alive); their inodes."""
    inodes = set()
    for number, folder in enumerate(folders):
        for path, stat in files_of(folder).items():
            if not path.is_symlink():
                held = into / str(number) / path.relative_to(folder)
                held.parent.mkdir(parents=True, exist_ok=True)
                os.link(path, held)
                inodes.add((stat.st_dev, stat.st_ino))
    return inodes


def new_bytes(folder: Path, old: set[tuple[int, int]]) -> tuple[int, int, list[tuple[int, str]]]:
    """Bytes in files of folder whose inode is not among old, all bytes, and the largest new files."""
    new, total, listed = 0, 0, []
    for path, stat in files_of(folder).items():
        total += stat.st_size
        if (stat.st_dev, stat.st_ino) not in old:
            new += stat.st_size
            listed.append((stat.st_size, str(path.relative_to(folder))))
    return new, total, sorted(listed, reverse=True)


def build(root: Path) -> tuple[float, dict[str, float]]:
    """The build's seconds and its phases' seconds, read from its summary line."""
    result = subprocess.run(
        [sys.executable, "build.py"],
        cwd=root,
        capture_output=True,
        text=True,
        env=os.environ | {"PILOTSITE_TOKEN_CACHE": str(root / ".build/cache/tokens")},
    )
    if result.returncode != 0:
        raise SystemExit(f"build failed in {root}:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    done = re.search(r"in ([\d.]+) s -> .*\n\s+(.*)", result.stdout)
    if done is None:
        raise SystemExit(f"no summary in the build's output:\n{result.stdout[-2000:]}")
    phases = {name: float(seconds) for name, seconds in re.findall(r"([a-z][a-z ]*?) ([\d.]+) s", done.group(2))}
    return float(done.group(1)), phases


def edit(path: Path, run: int) -> None:
    """A locator cell of the first row: one figure's data and its pages change, nothing else."""
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] = (
        re.sub(r" \(bench \d+\)|$", f" (bench {run})", lines[1], count=1)
        if "(bench" in lines[1]
        else lines[1].replace("Results", f"Results (bench {run})", 1)
    )
    path.write_text("\n".join(lines), encoding="utf-8")


def measure(root: Path, runs: int, largest: int) -> list[dict]:
    build(root)  # cold
    measured = []
    for run in range(runs):
        edit(root / EDITED, run)
        with tempfile.TemporaryDirectory(dir=root.parent) as held:
            old = snapshot([root / "_site", root / ".build"], Path(held))
            seconds, phases = build(root)
            site_new, site_total, listed = new_bytes(root / "_site", old)
            work_new, _, _ = new_bytes(root / ".build", old)
        report = json.loads((root / ".build/last-report.json").read_text(encoding="utf-8"))
        measured.append(
            {
                "seconds": seconds,
                "step7": sum(phases.get(p, 0.0) for p in LAST_STEP),
                "publish": phases.get("publish", 0.0),
                "site_new": site_new,
                "site_total": site_total,
                "work_new": work_new,
                "figures": len(report["figures_rebuilt"]),
                "pages": len(report["pages_rendered"]),
                "largest": listed[:largest],
            }
        )
    return measured


def show(name: str, measured: list[dict]) -> float:
    median = lambda key: statistics.median(m[key] for m in measured)  # noqa: E731
    share = 100 * median("site_new") / median("site_total")
    last = measured[-1]
    print(
        f"{name}: site {median('site_total') / 1e6:.1f} MB; one edit redraws {last['figures']} figure(s), "
        f"renders {last['pages']} page(s)"
    )
    print(
        f"  newly written in the site: median {median('site_new') / 1e6:8.2f} MB = {share:5.1f} % of the site "
        f"(target <= 10 %)  runs {', '.join(format(m['site_new'] / 1e6, '.2f') for m in measured)}"
    )
    print(f"  newly written in .build/:  median {median('work_new') / 1e6:8.2f} MB")
    print(
        f"  build median {median('seconds'):6.2f} s; step 7 (index, links, publish) median {median('step7'):5.2f} s; "
        f"publish median {median('publish'):5.2f} s"
    )
    if last["largest"]:
        print("  largest new files: " + ", ".join(f"{path} ({size / 1e3:.0f} kB)" for size, path in last["largest"]))
    return share


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--full-corpus",
        type=Path,
        default=None,
        help="also measure a project whose corpus is this folder (e.g. ../shared/corpora/cn-regulations)",
    )
    parser.add_argument("--largest", type=int, default=5, help="how many of the largest new files to name")
    parser.add_argument("--quick", action="store_true", help="one edit, corpora cut to a few texts, no history")
    args = parser.parse_args()
    if args.quick:
        args.runs = 1
    with tempfile.TemporaryDirectory() as scratch:
        root = quick_or_full_copy(Path(scratch) / "default", args.quick)
        show("default site" + (" (quick: corpora cut)" if args.quick else ""), measure(root, args.runs, args.largest))
        if args.full_corpus is not None:
            root = copy_project(Path(scratch) / "full")
            (root / "data/corpora.yaml").write_text(
                "corpora:\n  - id: cn-regulations\n    title: Chinese central and local regulations\n"
                f"    path: {args.full_corpus.resolve()}\n",
                encoding="utf-8",
            )
            show(f"full corpus ({args.full_corpus})", measure(root, args.runs, args.largest))


if __name__ == "__main__":
    main()
