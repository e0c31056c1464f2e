"""Smaller sites build, and sources can be withdrawn and put back: one document, no corpus, no
timelines; the navigation shows only what exists, and every published version stays, saying
when its source was withdrawn."""

from __future__ import annotations

import json
import re
import shutil

import lxml.html
import pytest
import yaml

from conftest import ROOT, copy_built, run_build

KEPT = "m-county-homestead-pilot"
WITHDRAWN_FIGURE = "return-migrant-tool-types"  # from a document that is withdrawn below
CORPUS_FIGURE = "cn-regulations-keywords-by-level"  # from the corpus withdrawn below


def nav_labels(page: str) -> list[str]:
    nav = re.search(r'<nav class="site-nav".*?</nav>', page, re.S).group(0)
    return re.findall(r">([^<>]+)</a>", nav)


@pytest.mark.long(seconds=67)
def test_one_document_without_corpus_or_timelines_builds_and_everything_comes_back(built_project, tmp_path):
    root = copy_built(built_project, tmp_path / "project")  # withdrawing from a built site, as a maintainer does
    withdrawn = sorted(p.name for p in (root / "data/documents").iterdir() if p.is_dir() and p.name != KEPT)
    for doc_id in withdrawn:
        shutil.rmtree(root / "data/documents" / doc_id)
        shutil.rmtree(root / "data/reported" / doc_id, ignore_errors=True)
    shutil.rmtree(root / "data/timelines")
    (root / "data/corpora.yaml").unlink()
    deposits = sorted(root.glob("_site/**/figures/*/v/*/*"))
    deposits = {p: p.read_bytes() for p in deposits if p.name in ("datacite.json", "datacite.xml", "zenodo.json")}
    run_build(root)  # the build fails on any broken link, so none is left
    # every published version's deposit records are as they were (a source without a DOI or URL,
    # named by its page here, had been dropped from them)
    assert deposits and {p: p.read_bytes() for p in deposits} == deposits
    site = root / "_site"
    assert nav_labels((site / "index.html").read_text(encoding="utf-8")) == [
        "Home",
        "Documents",
        "Figures",
        "Data",
        "Methods",
        "What changed",
        "Search",
    ]
    assert not (site / "corpus").exists() and not (site / "timeline").exists()
    assert [p.name for p in (site / "documents").iterdir() if p.is_dir()] == [KEPT]
    # the home page's lede counts no documents (it said "five source documents" of any site)
    for edition, count in (
        ("", r"\b(one|two|three|four|five|six|seven|eight|nine|ten|\d+) (source )?documents\b"),
        ("zh/", r"[一二三四五六七八九十\d]+份"),
    ):
        lede = re.search(r'<p class="lede">(.*?)</p>', (site / edition / "index.html").read_text(encoding="utf-8"))
        assert lede and not re.search(count, lede.group(1)), lede
    # the withdrawn document's figures keep every published version, which says what was withdrawn
    ledger = json.loads((root / "history/ledger.json").read_text(encoding="utf-8"))
    version = ledger["figures"][WITHDRAWN_FIGURE][0]["version"]
    page = (site / f"figures/{WITHDRAWN_FIGURE}/v/{version}/index.html").read_text(encoding="utf-8")
    assert 'class="withdrawn"' in page and "has been withdrawn from this site" in page
    assert "documents/return-migrant-entrepreneurship" not in page
    assert (site / f"figures/{WITHDRAWN_FIGURE}/v/{version}/data.csv").is_file()
    # its schema.org record names each source with its own address (the addresses of the sources
    # left had slipped one place up the list of titles): a withdrawn one by the DOI or URL the
    # version recorded, or where it had neither by its page here, as when the version was
    # published (its deposit records had dropped the source: published files changed)
    sources = {
        meta["title"]: meta
        for meta in (yaml.safe_load(p.read_text(encoding="utf-8")) for p in ROOT.glob("data/documents/*/document.yaml"))
    }
    for figure_id, history in ledger["figures"].items():
        for entry in history:
            own = (site / f"figures/{figure_id}/v/{entry['version']}/index.html").read_text(encoding="utf-8")
            [ld] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', own, re.S)
            for source in json.loads(ld)["isBasedOn"]:
                meta = sources[source["name"]]
                page_here = f"/documents/{meta['id']}/index.html"
                assert source["url"].endswith(page_here) != bool(meta.get("doi") or meta.get("url")), source
    # and its deposit metadata still names the withdrawn source and its keywords: the withdrawal
    # had taken both out of every published version's DataCite and Zenodo records
    article = sources[
        json.loads((root / f"history/figures/{WITHDRAWN_FIGURE}/{version}/meta.json").read_bytes())["documents"][0][
            "title"
        ]
    ]
    assert article["id"] in withdrawn and article["doi"]
    record = json.loads((site / f"figures/{WITHDRAWN_FIGURE}/v/{version}/datacite.json").read_text(encoding="utf-8"))
    derived = [r["relatedIdentifier"] for r in record["relatedIdentifiers"] if r["relationType"] == "IsDerivedFrom"]
    assert derived == [article["doi"]]
    assert set(article["keywords"]) <= {s["subject"] for s in record["subjects"]}
    zenodo = json.loads((site / f"figures/{WITHDRAWN_FIGURE}/v/{version}/zenodo.json").read_text(encoding="utf-8"))
    assert set(article["keywords"]) <= set(zenodo["keywords"])
    # and so do the versions of the withdrawn corpus's figures, in both editions, each naming it in
    # its own words (the Chinese page named it in English: a version recorded one title)
    corpus_version = ledger["figures"][CORPUS_FIGURE][-1]["version"]
    for edition, title in (
        ("", "“Chinese central and local regulations (sample)”"),
        ("zh/", "“中国中央与地方法规（样本）”"),
    ):
        page = (site / f"{edition}figures/{CORPUS_FIGURE}/v/{corpus_version}/index.html").read_text(encoding="utf-8")
        assert re.search(r'class="withdrawn"[^>]*>[^<]*' + re.escape(title), page), edition
    # a withdrawn source's title in another language than the edition's is marked with its own (the
    # Chinese notice named the untitled blog post's English title as if it were Chinese): outside
    # the marked titles, a notice has no word of the other language
    marked = 0
    for edition, other, letters in (("", "zh", r"[\u4e00-\u9fff]"), ("zh/", "en", r"[A-Za-z]")):
        for path in site.glob(f"{edition}figures/*/v/*/index.html"):
            for notice in lxml.html.fromstring(path.read_bytes()).xpath("//p[@class='withdrawn']"):
                unmarked = (notice.text or "") + "".join(child.tail or "" for child in notice)
                assert not re.search(letters, unmarked), (path, notice.text_content())
                marked += len(notice.xpath("span[@lang=$lang]", lang=other))
    assert marked  # the untitled blog post's versions, in the Chinese edition
    # what was at the figure's own address stays: its last version's files, and its embedded view
    # forwards to that version's (an iframe on another site, a paper's link to data.csv had broken)
    last = ledger["figures"][WITHDRAWN_FIGURE][-1]["version"]
    for edition in ("", "zh/"):
        folder = site / f"{edition}figures/{WITHDRAWN_FIGURE}"
        for name in ("data.csv", "figure.svg", "figure.png", "cite.bib", "cite.ris", "cite.json"):
            assert (folder / name).read_bytes() == (folder / "v" / last / name).read_bytes(), name
        assert f'content="0; url=v/{last}/embed.html"' in (folder / "embed.html").read_text(encoding="utf-8")
        # titled as what it says (the title of a renamed figure's page: "has moved")
        title = (
            "图表 return-migrant-tool-types 已不再生成"
            if edition
            else "Figure return-migrant-tool-types is no longer produced"
        )
        assert f"<title>{title}" in (folder / "index.html").read_text(encoding="utf-8")
    # "corpora: []" is a site without a corpus too
    (root / "data/corpora.yaml").write_text("corpora: []\n", encoding="utf-8")
    run_build(root)
    # putting everything back
    for doc_id in withdrawn:
        shutil.copytree(ROOT / "data/documents" / doc_id, root / "data/documents" / doc_id)
        if (ROOT / "data/reported" / doc_id).is_dir():
            shutil.copytree(ROOT / "data/reported" / doc_id, root / "data/reported" / doc_id)
    shutil.copytree(ROOT / "data/timelines", root / "data/timelines")
    shutil.copy(ROOT / "data/corpora.yaml", root / "data/corpora.yaml")
    run_build(root)
    assert "Corpus studies" in nav_labels((site / "index.html").read_text(encoding="utf-8"))
    assert "Timeline" in nav_labels((site / "index.html").read_text(encoding="utf-8"))
    page = (site / f"figures/{WITHDRAWN_FIGURE}/v/{version}/index.html").read_text(encoding="utf-8")
    assert 'class="withdrawn"' not in page and "documents/return-migrant-entrepreneurship/index.html" in page
    page = (site / f"figures/{CORPUS_FIGURE}/v/{corpus_version}/index.html").read_text(encoding="utf-8")
    assert 'class="withdrawn"' not in page


def test_withdrawing_the_article_draws_the_corpus_tool_figures_without_its_shares(built_project, tmp_path):
    # The README's way to withdraw a source: its folders and its rows go. The corpus figures had
    # named the article's tables as inputs, and every build had stopped on them.
    import csv

    root = copy_built(built_project, tmp_path / "project")
    document = "return-migrant-entrepreneurship"
    shutil.rmtree(root / "data/documents" / document)
    shutil.rmtree(root / "data/reported" / document)
    events = root / "data/timelines/events.csv"
    lines = events.read_text(encoding="utf-8").splitlines(keepends=True)
    events.write_text("".join(line for line in lines if f",{document}," not in line), encoding="utf-8")
    for figure in ("cn-regulations-policy-tool-types", "cn-regulations-policy-sub-tools"):
        out = tmp_path / figure
        result = run_build(root, "figure", figure, "--out", str(out), check=False)
        assert result.returncode == 0, result.stderr
        with open(out / "data.csv", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert rows and not any(row["grouping"] == "article" for row in rows)
        assert all(not row.get("article_share_pct") for row in rows)


def test_a_language_whose_passages_hold_no_counted_word_is_named_on_the_document_page(built_project, tmp_path):
    """A document declares Chinese for one heading of a stopword: its Chinese keyword figure has
    nothing to count. The build had failed, blaming the analysis; the document's page now says
    which figure was not drawn and why, in each edition."""
    project = copy_built(built_project, tmp_path / "project")
    folder = project / "data/documents/zh-heading-only"
    folder.mkdir()
    (folder / "text.md").write_text(
        "## 的\n\nLocal governments run policy pilots to test reforms before national rollout.\n", encoding="utf-8"
    )
    (folder / "document.yaml").write_text(
        'id: zh-heading-only\ntitle: "An English note with a Chinese heading"\nauthors: ["C. Author"]\nkind: note\n'
        'languages: [zh, en]\nsource_file: none.txt\nshort_title: "Chinese heading"\nsummary: "Mostly English."\n',
        encoding="utf-8",
    )
    # a stage quoting its English: the document page's list of quoted passages marked it Chinese,
    # the document's first language
    with open(project / "data/timelines/stages.csv", "a", encoding="utf-8") as stages:
        stages.write(
            "zh-heading-only-pilots,zh-heading-only,Pilots before rollout,1,Pilots test reforms,"
            "Local governments run policy pilots to test reforms\n"
        )
    run_build(project)
    site = project / "_site"
    assert (site / "figures/zh-heading-only-keywords-en/figure.png").is_file()
    assert not (site / "figures/zh-heading-only-keywords-zh").exists()
    page = (site / "documents/zh-heading-only/index.html").read_text(encoding="utf-8")
    assert "Not drawn for this document" in page
    assert "passages in Chinese hold no word that is counted" in page
    assert "<q>Local governments run po…</q>" in page  # the opening of the passage
    chinese = (site / "zh/documents/zh-heading-only/index.html").read_text(encoding="utf-8")
    assert "本文献未绘制的图表" in chinese and "文献的中文段落中没有计入统计的词" in chinese
    assert '<q lang="en">Local governments run po…</q>' in chinese
