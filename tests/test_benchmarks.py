"""Every benchmark runs in its quick mode on tiny inputs and prints its figures, so none can rot."""
from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT


def test_scale_benchmark_runs_quickly_and_prints_its_figures(tmp_path):
    result = subprocess.run([sys.executable, "bench/scale.py", "--quick", "--work", str(tmp_path / "scale")], cwd=ROOT,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for label in ("25 %", "100 %", "2x"):
        assert re.search(rf"{re.escape(label)}: +\d+ texts +[\d.]+ MB +cold +[\d.]+ s +[\d.]+ s/MB +peak RSS +\d+ MB +\d+ pages", out), out
    assert re.search(r"cold build = [\d.]+x the baseline", out)
    assert re.search(r"no-op rebuild at 100 %: [\d.]+ s", out)
    assert re.search(r"20 texts added at 100 %: [\d.]+ s = [\d.]+ % of cold", out)
    assert re.search(r"seconds per MB at 2x / at 100 %: [\d.]+", out)
