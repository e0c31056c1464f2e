"""The folder layout is the pipeline: layers that only import downwards, no cycles, analyses
written against pilotsite.api alone, and no module whose state another module sets."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=project, capture_output=True, text=True, timeout=300)


def test_every_import_goes_downwards_and_no_package_has_a_cycle():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_an_upward_import_or_a_cycle_is_caught(tmp_path):
    for name in ("pilotsite", "pyproject.toml"):
        source = ROOT / name
        (
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
            if source.is_dir()
            else shutil.copy(source, tmp_path / name)
        )
    ledger = tmp_path / "pilotsite/state/ledger.py"
    ledger.write_text(
        ledger.read_text(encoding="utf-8") + "\n\ndef _upward():\n    from pilotsite.pages import model\n",
        encoding="utf-8",
    )
    result = lint_imports(tmp_path)
    assert result.returncode != 0 and "pilotsite.state.ledger -> pilotsite.pages.model" in result.stdout, result.stdout


def test_analyses_import_the_engine_from_pilotsite_api_only():
    for path in sorted((ROOT / "analyses").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                assert not name.startswith("pilotsite") or name == "pilotsite.api", f"{path.name} imports {name}"


def test_no_module_sets_another_modules_state():
    """Nothing assigns to an attribute of an imported pilotsite module (as build.py once pointed
    tables.VALIDATED at .build/): state is passed in, not planted."""
    files = sorted((ROOT / "pilotsite").rglob("*.py")) + [ROOT / "build.py"]
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pilotsite"):
                modules.update(a.asname or a.name for a in node.names)
            elif isinstance(node, ast.Import):
                modules.update((a.asname or a.name).split(".")[0] for a in node.names if a.name.startswith("pilotsite"))
        for node in ast.walk(tree):
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, (ast.AugAssign, ast.AnnAssign))
                else []
            )
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id in modules
                ):
                    raise AssertionError(f"{path.relative_to(ROOT)}:{node.lineno} sets {target.value.id}.{target.attr}")
