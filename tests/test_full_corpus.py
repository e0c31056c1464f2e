"""The full regulations corpus (../shared/corpora/cn-regulations, 2,506 texts) built by the README's
route: every text has its page, search covers every text, no link is broken, no page is over 1 MB.
CI runs beside ../shared, so there it must run; a checkout without ../shared skips it."""

from __future__ import annotations

import csv
import json
import os
import re

import pytest

from conftest import ROOT, copy_project, discard, run_build
from pilotsite.publishing.linkcheck import broken_links

SHARED = ROOT.parent / "shared/corpora/cn-regulations"
pytestmark = pytest.mark.long(seconds=138)  # its module fixture, a cold build of 2,506 texts


@pytest.fixture(scope="module")
def full_site(tmp_path_factory):
    if not SHARED.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI runs with ../shared beside the checkout, but {SHARED} is missing")
        pytest.skip(f"{SHARED} is not here (only CI and developers have ../shared)")
    root = copy_project(tmp_path_factory.mktemp("full") / "project")
    # The README: "replace the entry in data/corpora.yaml by …" (its ../shared path, made absolute
    # because this copy of the project does not sit beside ../shared).
    (root / "data/corpora.yaml").write_text(
        f"corpora:\n  - id: cn-regulations\n    title: Chinese central and local regulations\n    path: {SHARED}\n",
        encoding="utf-8",
    )
    # Untraced: its lines are all reached by faster tests (measured: only the search shards and
    # a "rows removed" change summary were its alone, and each has a test of its own now).
    result = run_build(root, traced=False)
    assert "Traceback" not in result.stdout + result.stderr
    yield root / "_site"
    discard(root.parent)


def test_every_text_of_the_full_corpus_has_its_page(full_site):
    with open(SHARED / "metadata.csv", encoding="utf-8", newline="") as handle:
        ids = {row["id"] for row in csv.DictReader(handle)}
    assert len(ids) == 2506
    pages = {p.parent.name for p in (full_site / "corpus/cn-regulations/texts").glob("*/index.html")}
    assert pages == ids


def test_search_covers_every_text(full_site):
    bundles = sorted((full_site / "corpus/cn-regulations/search").glob("texts-*"))
    assert len(bundles) > 1  # the corpus is indexed in shards of bounded size
    indexed = sum(json.loads((b / "pagefind-entry.json").read_text())["languages"]["zh"]["page_count"] for b in bundles)
    assert indexed == 2506
    page = (full_site / "search/index.html").read_text(encoding="utf-8")
    listed = re.search(r'data-corpus-bundles="([^"]*)"', page).group(1).split()
    assert {f"../corpus/cn-regulations/search/{b.name}/" for b in bundles} <= set(listed)


def test_no_broken_link_and_no_page_over_one_megabyte(full_site):
    assert broken_links(full_site) == []
    heavy = [
        (p.relative_to(full_site).as_posix(), p.stat().st_size)
        for p in full_site.rglob("*.html")
        if p.stat().st_size > 1_000_000
    ]
    assert not heavy
