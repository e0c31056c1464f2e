"""The checks before a commit (.pre-commit-config.yaml) catch what CI's checks catch: a lint
finding, unformatted code and a type error each stop the commit, and clean code passes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

CLEAN = '''"""A module."""


def double(value: int) -> int:
    return value * 2
'''
BROKEN = {
    "ruff check (lint)": CLEAN + "\n\nimport os\n",  # an unused import, below the code
    "ruff format": CLEAN.replace("value * 2", "value*2"),
    "mypy (types)": CLEAN.replace("return value * 2", 'return "twice"'),
}


def hooks_run(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    """`pre-commit run --all-files` in a fresh repository laid out like the project (the folders
    mypy's configuration names), holding one module with source."""
    repo = tmp_path / "repo"
    shutil.rmtree(repo, ignore_errors=True)
    for folder in ("pilotsite", "analyses", "bench"):
        (repo / folder).mkdir(parents=True)
    (repo / "pilotsite/__init__.py").write_text("", encoding="utf-8")
    (repo / "pilotsite/module.py").write_text(source, encoding="utf-8")
    (repo / "analyses/figure.py").write_text(CLEAN, encoding="utf-8")
    (repo / "bench/timing.py").write_text(CLEAN, encoding="utf-8")
    (repo / "build.py").write_text(CLEAN, encoding="utf-8")
    for name in ("pyproject.toml", ".pre-commit-config.yaml"):
        shutil.copy(ROOT / name, repo / name)
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True, env=env)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
    )


def test_the_hook_configuration_is_valid():
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_clean_code_passes_every_hook(tmp_path):
    result = hooks_run(tmp_path, CLEAN)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for hook in BROKEN:  # each hook ran on the file and passed it
        assert [line for line in lines if line.startswith(hook) and line.rstrip().endswith("Passed")], result.stdout


@pytest.mark.parametrize("hook", list(BROKEN))
def test_each_hook_stops_a_commit_of_what_it_checks(tmp_path, hook):
    result = hooks_run(tmp_path, BROKEN[hook])
    assert result.returncode != 0, result.stdout
    failed = [line for line in result.stdout.splitlines() if line.rstrip().endswith("Failed")]
    assert [line for line in failed if line.startswith(hook)], result.stdout
    assert len(failed) == 1, result.stdout  # only the hook that checks it


def coverage_floor(
    tmp_path: Path, lines: tuple[int, int], branches: tuple[int, int]
) -> subprocess.CompletedProcess[str]:
    """scripts/coverage_floor.py on a report with these (covered, total) lines and branches."""
    report = tmp_path / "coverage.json"
    totals = {
        "covered_lines": lines[0],
        "num_statements": lines[1],
        "covered_branches": branches[0],
        "num_branches": branches[1],
    }
    report.write_text(json.dumps({"totals": totals}), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts/coverage_floor.py"), str(report), "--lines", "90", "--branches", "85"],
        capture_output=True,
        text=True,
    )


def test_the_coverage_floor_holds_lines_and_branches_each_to_its_own(tmp_path):
    passed = coverage_floor(tmp_path, (91, 100), (17, 20))
    assert passed.returncode == 0 and "lines covered: 91.0 %" in passed.stdout, passed.stdout + passed.stderr
    # a combined figure would pass here (108 of 120, 90 %), but branches are at 80 %
    low_branches = coverage_floor(tmp_path, (92, 100), (16, 20))
    assert low_branches.returncode == 1 and "under its floor: branches" in low_branches.stderr
    low_lines = coverage_floor(tmp_path, (89, 100), (20, 20))
    assert low_lines.returncode == 1 and "under its floor: lines" in low_lines.stderr
