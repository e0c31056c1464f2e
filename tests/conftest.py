"""Shared fixtures: the default site built once per session, and throwaway project copies."""
from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import build as build_module  # noqa: E402


def tree_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under folder, keyed by relative path."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("default") / "_site"
    build_module.build(ROOT, out, renderer="embedded")
    return out


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A copy of the project's inputs (data/, analyses/, site/) that a test may break."""
    root = tmp_path / "project"
    for name in ("data", "analyses", "site"):
        shutil.copytree(ROOT / name, root / name)
    return root
