"""What the README shows a maintainer holds: its example document (section "Adding a document")
loads as the build loads a document."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import yaml

from conftest import ROOT
from pilotsite.inputs.documents import load_document
from pilotsite.inputs.project import open_project


def section(title: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.search(rf"^### {re.escape(title)}\n(.*?)^#", readme, re.S | re.M).group(1)


def test_the_readmes_example_document_loads_as_the_build_loads_one(tmp_path: Path):
    steps = section("Adding a document")
    # the blocks are indented as list items are
    meta = textwrap.dedent(re.search(r"```yaml\n(.*?)```", steps, re.S).group(1))
    text = textwrap.dedent(re.search(r"```markdown\n(.*?)```", steps, re.S).group(1)).strip() + "\n"
    doc_id = yaml.safe_load(meta)["id"]
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "data/site.yaml", tmp_path / "data/site.yaml")
    folder = tmp_path / "data/documents" / doc_id
    folder.mkdir(parents=True)
    (folder / "document.yaml").write_text(meta, encoding="utf-8")
    (folder / "text.md").write_text(text, encoding="utf-8")

    document = load_document(open_project(tmp_path), folder)

    assert document.id == doc_id
    assert document.meta["languages"] == ["zh"] and any(block.lang == "zh" for block in document.blocks)
    assert document.meta["short_title"] and document.meta["summary"]
