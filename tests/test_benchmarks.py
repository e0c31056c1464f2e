"""Every benchmark runs in its quick mode on tiny inputs and prints its figures, so none can rot.

They run outside the coverage measurement (.ci/run follows every Python process a test starts):
a quick run checks that the script works, not what the build does, so the code it executes says
nothing about what the tests check, and tracing its builds only slowed CI."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, untraced_env

UNTRACED = untraced_env()


@pytest.mark.long(seconds=45)
def test_scale_benchmark_runs_quickly_and_prints_its_figures(tmp_path):
    result = subprocess.run(
        [sys.executable, "bench/scale.py", "--quick", "--work", str(tmp_path / "scale")],
        cwd=ROOT,
        env=UNTRACED,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for label in ("25 %", "100 %", "2x"):
        assert re.search(
            rf"{re.escape(label)}: +\d+ texts +[\d.]+ MB +cold +[\d.]+ s +[\d.]+ s/MB +peak RSS +\d+ MB +\d+ pages"
            r" +CPU +[\d.]+ s = [\d.]+ cores busy",
            out,
        ), out
    assert re.search(r"cold build = [\d.]+x the baseline", out)
    # the processor time of the build's whole process tree: never more than every core for the wall time
    busy = [float(b) for b in re.findall(r"= ([\d.]+) cores busy", out)]
    assert len(busy) == 3 and all(0 < b <= (os.cpu_count() or 1) + 0.2 for b in busy), out
    assert re.search(r"processor time: baseline median [\d.]+ CPU s; cold builds [\d.]+ CPU s, median [\d.]+", out)
    assert re.search(r"20 texts added at 100 %: [\d.]+ s = [\d.]+ % of cold \(target <= 15 %\), CPU [\d.]+ s", out)
    assert re.search(r"no-op rebuild at 100 %: (?:[\d.]+ )+s, median [\d.]+ s", out)
    assert re.search(r"seconds per MB at 2x / at 100 %: [\d.]+", out)
    # the phases of the cold build and of the rebuild with 20 texts added, and their busy cores
    assert len(re.findall(r"^   load [\d.]+ s · .* publish [\d.]+ s$", out, re.M)) == 2, out
    assert len(re.findall(r"^   cores busy: load [\d.]+ · ", out, re.M)) == 2, out


def test_scale_benchmark_can_measure_only_the_full_corpus_of_another_source(tmp_path):
    """--full-only, on a corpus of another shape given by --source: the sample's metadata columns
    in reverse order, and one more."""
    source = tmp_path / "source"
    shutil.copytree(ROOT / "data/corpora/cn-regulations-sample", source)
    with open(source / "metadata.csv", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = [*reversed(reader.fieldnames or []), "reviewer"], list(reader)
    with open(source / "metadata.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows({**row, "reviewer": f"r{n % 3}"} for n, row in enumerate(rows))
    result = subprocess.run(
        [
            sys.executable,
            "bench/scale.py",
            "--quick",
            "--full-only",
            "--source",
            str(source),
            "--work",
            str(tmp_path / "scale"),
        ],
        cwd=ROOT,
        env=UNTRACED,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert re.search(r"100 %: +\d+ texts .* cold +[\d.]+ s", out) and re.search(
        r"20 texts added at 100 %: [\d.]+ s", out
    ), out
    assert "25 %:" not in out and "2x:" not in out and not (tmp_path / "scale/corpora/share-25").exists()
    with open(tmp_path / "scale/quick-source/metadata.csv", encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == header  # the texts built are those of --source


def run_quick(script: str, *args: str, check: bool = True) -> str:
    """The benchmark's quick mode; check=False allows the exit status 1 that reports a page over budget."""
    result = subprocess.run(
        [sys.executable, f"bench/{script}", "--quick", *args],
        cwd=ROOT,
        env=UNTRACED,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode in ((0,) if check else (0, 1)), result.stdout + result.stderr
    return result.stdout


def test_cold_build_benchmark_runs_quickly_and_prints_its_figures():
    out = run_quick("cold_build.py")
    assert re.search(r"cold build: median [\d.]+ s over 1 runs .*peak RSS \d+ MB", out), out


def test_rebuild_benchmark_runs_quickly_and_prints_its_figures():
    out = run_quick("rebuild.py")
    assert re.search(r"cold build +median +[\d.]+ s", out) and re.search(
        r"no-op rebuild +median +[\d.]+ s .*% of cold", out
    ), out
    assert re.search(r"edit keywords\.csv +median +[\d.]+ s .* 1 figure\(s\) redrawn", out), out


def test_publish_benchmark_runs_quickly_and_prints_its_figures():
    out = run_quick("publish.py")
    assert re.search(r"one edit redraws 1 figure\(s\)", out), out
    share = re.search(r"newly written in the site: median +[\d.]+ MB = +([\d.]+) % of the site", out)
    assert share and 0 < float(share.group(1)) < 100, out
    assert re.search(r"step 7 \(index, links, publish\) median +[\d.]+ s; publish median +[\d.]+ s", out), out


def test_corpus_benchmark_runs_quickly_and_prints_its_figures():
    out = run_quick("corpus.py")
    assert re.search(r"baseline \(1 process, jieba\.lcut \+ Counter\): median +[\d.]+ s", out), out
    assert "word counts identical to the baseline in every run: True" in out
    assert re.search(r"peak RSS: \d+ MB", out), out


def test_page_weight_benchmark_runs_quickly_and_prints_its_figures():
    out = run_quick("page_weight.py", check=False)
    for kind in (
        "home",
        "document",
        "figure",
        "figure version",
        "corpus text",
        "evidence",
        "keyword contexts",
        "search page",
    ):
        assert re.search(rf"^{re.escape(kind)} +\d+ +[\d.]+ +[\d.]+ +\d+ +\d+  \S+", out, re.M), out
    assert re.search(r"heaviest page: \S+ \(.+\), [\d.]+ KB in \d+ requests", out), out
