"""The tests' copies of a built project (conftest.copy_built): linked, a copy shares the build's
outputs with the project it copies and has inputs, code and records of its own; a test that
writes a shared file in place is caught at the next copy, before other tests build on it."""

from __future__ import annotations

import os

import pytest

from conftest import copy_built


def project_at(root):
    files = {
        "_site/index.html": "<p>published</p>",
        ".build/cache/pages/key.html": "<p>cached</p>",
        ".build/pages/index.qmd": "source",
        ".build/last-build.json": "{}",
        "data/site.yaml": "title: x\n",
        "history/ledger.json": "{}",
    }
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content, encoding="utf-8")
    return root


def test_a_linked_copy_shares_only_the_build_outputs_and_a_write_through_them_is_caught(tmp_path):
    project = project_at(tmp_path / "project")
    copy = copy_built(project, tmp_path / "copy")
    for name in ("_site/index.html", ".build/cache/pages/key.html", ".build/pages/index.qmd"):
        assert os.path.samefile(project / name, copy / name), name
    for name in (".build/last-build.json", "data/site.yaml", "history/ledger.json"):
        assert not os.path.samefile(project / name, copy / name), name
        assert (copy / name).read_bytes() == (project / name).read_bytes()
    unlinked = copy_built(project, tmp_path / "unlinked", linked=False)
    assert not os.path.samefile(project / "_site/index.html", unlinked / "_site/index.html")

    # what a build does: replace the copy's file by a rename; the project's stays as it was
    replacement = copy / "_site/index.html.tmp"
    replacement.write_text("<p>rebuilt</p>", encoding="utf-8")
    replacement.replace(copy / "_site/index.html")
    assert (project / "_site/index.html").read_text(encoding="utf-8") == "<p>published</p>"
    copy_built(project, tmp_path / "second")

    # what a hand edit does: write through the link, into the project's file too
    with open(copy / ".build/cache/pages/key.html", "r+", encoding="utf-8") as handle:
        handle.write("<p>edited</p>")
    with pytest.raises(AssertionError, match=r"written in place .*\.build/cache/pages/key\.html"):
        copy_built(project, tmp_path / "third")
