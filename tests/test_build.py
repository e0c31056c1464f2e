"""Full builds of the default data: pages, figure folders, links, reproducibility, safety."""

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import lxml.html
import pandas as pd
import pytest

import build as build_module
from conftest import ROOT, cited_entry, copy_built, copy_project, figure_count, run_build, tree_hashes
from pilotsite.inputs.timelines import quote_anchor
from pilotsite.publishing.linkcheck import broken_links

DOCUMENTS = [
    "lu-street-typical-experience",
    "m-county-homestead-pilot",
    "return-migrant-entrepreneurship",
    "shanxi-collaborative-contest",
    "wenling-participatory-budgeting",
]
DOCUMENT_QUOTED = "documents/return-migrant-entrepreneurship/index.html"
FIGURE_FILES = ["index.html", "figure.svg", "figure.png", "data.csv", "cite.bib"]


def figure_ids(site: Path) -> list[str]:
    return sorted(p.name for p in (site / "figures").iterdir() if p.is_dir())


def test_readme_command_builds_without_warnings(first_build):
    """The suite's own first build: python build.py in a fresh copy of the project."""
    root, result = first_build
    assert result.stderr == ""  # no warnings of any kind (fonts, jieba, pandoc)
    pages = len(list((root / "_site").rglob("*.html")))
    assert "[1/7]" in result.stdout and f"Done: {pages} pages written" in result.stdout
    n = figure_count(root / "_site")
    assert f"{n} of {n} figures rebuilt" in result.stdout
    assert (root / "_site/index.html").is_file()


def test_every_document_has_a_page(built_site):
    for doc_id in DOCUMENTS:
        page = (built_site / "documents" / doc_id / "index.html").read_text(encoding="utf-8")
        assert "Figures from this document" in page


def test_every_figure_has_its_folder_and_files(built_site):
    ids = figure_ids(built_site)
    required = {
        "return-migrant-tool-types",
        "return-migrant-sub-tools",
        "return-migrant-regions",
        "return-migrant-keywords",
        "shanxi-collaborative-contest-keywords-zh",
        "shanxi-collaborative-contest-keywords-en",
        "keyword-overlap",
        "case-timelines-combined",
        "wenling-participatory-budgeting-timeline",
        "m-county-pilot-trajectory-stages",
    }
    assert required <= set(ids)
    for figure_id in ids:
        folder = built_site / "figures" / figure_id
        for name in FIGURE_FILES:
            assert (folder / name).stat().st_size > 0, f"{figure_id}/{name}"
        assert list(folder.glob("*.py")), f"{figure_id} has no analysis source"
        page = html.unescape((folder / "index.html").read_text(encoding="utf-8"))
        for section in ("Cite this figure", "@misc{", "SHA-256", "python build.py figure " + figure_id, "matplotlib"):
            assert section in page, f"{figure_id} page lacks {section!r}"
        assert f'id="fig-{figure_id}"' in page


def test_citation_on_figure_page_and_in_cite_bib(built_site):
    folder = built_site / "figures/return-migrant-tool-types"
    bib = (folder / "cite.bib").read_text(encoding="utf-8")
    number = cited_entry(built_site.parent, "return-migrant-tool-types")["number"]
    assert bib.startswith(
        f"@misc{{pilotsite-return-migrant-tool-types-v{number},\n"
        "  author = {{Policy Pilots Research Site contributors}}"
    )
    assert "year = {2026}" in bib and "Characteristics and Mechanisms" in bib
    page = html.unescape((folder / "index.html").read_text(encoding="utf-8"))
    assert bib.strip() in page  # the page shows the same entry, line breaks and all
    assert "[Figure return-migrant-tool-types, version id" in page


def test_home_page_shows_every_document_and_headline_findings(built_site):
    page = html.unescape((built_site / "index.html").read_text(encoding="utf-8"))
    for doc_id in DOCUMENTS:
        assert f'href="documents/{doc_id}/index.html"' in page
    assert "Supply-oriented tools are the largest type: 50.82 %" in page
    assert page.count('<li class="card">') == len(DOCUMENTS)


def test_no_broken_links(built_site):
    assert broken_links(built_site) == []


def test_no_page_shows_the_templates_own_syntax(built_site):
    """A comment written as Jinja's default {# … #}, which the templates' environment does not take
    for a comment (sources.py: it is Markdown's attribute syntax), stood as text on every list page."""
    shown = {}
    for page in built_site.rglob("*.html"):
        tree = lxml.html.fromstring(page.read_bytes())
        for listing in tree.xpath("//pre | //code | //script | //style | //*[local-name()='svg']"):
            listing.drop_tree()  # code listings may hold braces of their own
        found = re.findall(r"\{#|#\}|\{\{|\}\}|\{%|%\}", tree.text_content())
        if found:
            shown[page.relative_to(built_site).as_posix()] = found[:2]
    assert not shown, list(shown.items())[:5]


def test_link_checker_notices_a_broken_link(built_site, tmp_path):
    import shutil

    copy = tmp_path / "site"
    shutil.copytree(built_site, copy)
    (copy / "figures/return-migrant-tool-types/data.csv").unlink()
    assert any("data.csv (missing file)" in p for p in broken_links(copy))


def test_a_base_href_is_taken_only_where_it_names_the_pages_own_folder(tmp_path):
    # the not-found page's <base href> ends with its folder: its links resolve as from there;
    # another base would move every link, and is reported
    site = tmp_path / "site"
    for path, base in (("404.html", "/policy-pilots/"), ("zh/404.html", "/policy-pilots/zh/"), ("x/404.html", "/p/")):
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(f'<base href="{base}"><a href="index.html">home</a>', encoding="utf-8")
        (site / path).with_name("index.html").write_text("<p>home</p>", encoding="utf-8")
    assert broken_links(site) == ["x/404.html: /p/ (points outside the site)"]


def test_links_remembered_from_the_last_check_are_checked_again(tmp_path):
    """A page whose HTML is unchanged reuses its resolved links from the memo, but every link is
    checked against this site: a file or an id gone since is reported, and the same HTML at
    another path resolves its links from there."""
    site, memo = tmp_path / "site", tmp_path / "links.json"
    page = '<a href="../b/index.html#x">b</a> <img src="img.png" alt="">'
    for path, content in (("a/index.html", page), ("b/index.html", '<p id="x">x</p>'), ("a/img.png", "png")):
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(content, encoding="utf-8")
    keys = {"a/index": "page-a", "b/index": "page-b"}
    assert broken_links(site, keys, memo) == []
    assert memo.is_file()
    (site / "a/img.png").unlink()
    (site / "b/index.html").write_text("<p>no id</p>", encoding="utf-8")
    assert broken_links(site, keys | {"b/index": "page-b-edited"}, memo) == [
        "a/index.html: ../b/index.html#x (no element with id 'x')",
        "a/index.html: img.png (missing file)",
    ]
    (site / "c/d").mkdir(parents=True)
    (site / "c/d/index.html").write_text(page, encoding="utf-8")
    assert "c/d/index.html: ../b/index.html#x (missing file)" in broken_links(
        site, keys | {"c/d/index": "page-a"}, memo
    )


def test_a_page_whose_html_is_unchanged_is_not_read_again_and_a_damaged_memo_is_ignored(tmp_path, monkeypatch):
    """The memo answers for a page whose key it holds (its HTML is not read); a memo that is not
    an SQLite file of this format is read as none: every page is scanned, and it is replaced."""
    from pilotsite.publishing import linkcheck

    site, memo = tmp_path / "site", tmp_path / "links.sqlite"
    (site / "a").mkdir(parents=True)
    (site / "a/index.html").write_text('<a href="../b.html#gone">b</a>', encoding="utf-8")
    (site / "b.html").write_text('<p id="here">b</p>', encoding="utf-8")
    keys = {"a/index": "a1", "b": "b1"}
    expected = ["a/index.html: ../b.html#gone (no element with id 'gone')"]
    assert broken_links(site, keys, memo) == expected
    written = memo.stat().st_mtime_ns
    scanned = []
    monkeypatch.setattr(linkcheck, "_scan", lambda path, root: scanned.append(path) or ("", ""))
    assert broken_links(site, keys, memo) == expected  # from the memo alone
    assert scanned == [] and memo.stat().st_mtime_ns == written  # every page answered: the memo kept as it was
    memo.write_text('{"a json memo": "of an earlier format"}', encoding="utf-8")
    assert broken_links(site, keys, memo) == []  # scanned anew (here by the stand-in above)
    assert sorted(p.name for p in scanned) == ["b.html", "index.html"]
    assert memo.read_bytes().startswith(b"SQLite format 3") and not list(tmp_path.glob(".*.tmp"))


def test_a_full_disk_while_the_links_are_checked_is_an_os_error_naming_the_memo(tmp_path, monkeypatch):
    """SQLite's own error for a full disk becomes the OSError (ENOSPC) that build.py reports as a
    fault of the machine; the memo is left as it was and no temporary file stays behind."""
    import errno

    from pilotsite.publishing import linkcheck

    site, memo = tmp_path / "site", tmp_path / "links.sqlite"
    site.mkdir()
    (site / "index.html").write_text('<a href="index.html">x</a>', encoding="utf-8")
    assert broken_links(site, {"index": "k"}, memo) == []
    before = memo.read_bytes()

    opened = linkcheck.LinkMemo.__init__

    def on_a_full_disk(self, cache_file):  # SQLite's own SQLITE_FULL: the file may not grow
        opened(self, cache_file)
        self.db.execute("PRAGMA max_page_count = 3")

    monkeypatch.setattr(linkcheck.LinkMemo, "__init__", on_a_full_disk)
    (site / "index.html").write_text('<a href="index.html">x</a>' * 2000, encoding="utf-8")
    with pytest.raises(OSError) as raised:
        broken_links(site, {"index": "k2"}, memo)
    assert raised.value.errno == errno.ENOSPC and ".links.sqlite." in str(raised.value.filename)
    assert memo.read_bytes() == before and not list(tmp_path.glob(".*.tmp"))


def test_links_into_a_folder_being_written_are_checked_once_it_is_written(built_site, tmp_path):
    """The build crawls the pages while Pagefind writes its bundles (pipeline.py): links into a
    bundle are checked once it is written, and a file it lacks then is reported."""
    import shutil

    copy = tmp_path / "site"
    shutil.copytree(built_site, copy)
    held = tmp_path / "pagefind"
    (copy / "pagefind").rename(held)  # not there yet while the pages are crawled

    def write_bundle() -> None:
        held.rename(copy / "pagefind")
        (copy / "pagefind/pagefind-ui.js").unlink()

    problems = broken_links(copy, being_written=("pagefind",), written=write_bundle)
    assert problems == ["search/index.html: ../pagefind/pagefind-ui.js (missing file)"]  # zh/ has a bundle of its own


def test_timeline_points_link_to_highlighted_quotes(built_site):
    events = pd.read_csv(ROOT / "data/timelines/events.csv", dtype=str)
    timeline = (built_site / "timeline/index.html").read_text(encoding="utf-8")
    for _, event in events.iterrows():
        anchor = quote_anchor(event["document_id"], event["quote"])
        assert f"../documents/{event['document_id']}/index.html#{anchor}" in timeline
        page = (built_site / "documents" / event["document_id"] / "index.html").read_text(encoding="utf-8")
        assert f'<mark><span id="{anchor}"' in page or f'<span id="{anchor}" class="anchor">' in page


def test_a_quote_found_twice_is_anchored_once_and_overlapping_quotes_each_where_they_start():
    from pilotsite.inputs.documents import Block
    from pilotsite.pages.model import Segment, highlight

    text = "The pilot program began in Wenling in 1999 and spread later."
    quotes = {
        "began in Wenling in 1999": ("q-a", "f"),
        "The pilot program began": ("q-b", "f"),
        "1999 and spread": ("q-c", "f"),
    }
    placed: set[str] = set()
    first = highlight(Block("paragraph", text, "en"), quotes, placed)
    again = highlight(Block("paragraph", "It began in Wenling in 1999, too.", "en"), quotes, placed)
    # one highlight, cut where each quote starts: each link lands on its own words
    assert first.segments == (
        Segment("The pilot program ", True, ("q-b",)),
        Segment("began in Wenling in ", True, ("q-a",)),
        Segment("1999 and spread", True, ("q-c",)),
        Segment(" later."),
    )
    assert again.segments == (Segment("It began in Wenling in 1999, too."),)  # an id is the page's once


def test_chinese_page_declares_language(built_site):
    """<html lang> is the edition's language (its interface); the Chinese title and paragraphs say
    their own language in either edition."""
    for edition, language in (("", "en"), ("zh/", "zh")):
        page = (built_site / edition / "documents/shanxi-collaborative-contest/index.html").read_text(encoding="utf-8")
        assert f'<html lang="{language}">' in page
        assert ('<h1 lang="zh">从增长竞争' in page) == (language == "en") and "<h1" in page
        assert re.search(r'<p id="p-\d+" lang="zh">在区域治理', page) and re.search(
            r'<p id="p-\d+" lang="en">Against the backdrop', page
        )
        # the site's English title and authors (data/site.yaml) on every page of the Chinese
        # edition: a screen reader had read them as Chinese; its licence line is in each edition's words
        site_title = re.search(r'<a class="site-title"[^>]*>(.*?)</a>', page).group(1)
        footer = page[page.index('<footer class="site-footer">') :]
        marked = ['<span lang="en">Policy Pilots in China</span>' in site_title]
        marked += ['<span lang="en">Policy Pilots Research' in footer]
        assert marked == [language == "zh"] * 2, (edition, site_title, footer)
        licence = (
            " · CC BY 4.0（本站的文本和数据；" if language == "zh" else " · CC BY 4.0 (this site&#39;s text and data;"
        )
        assert licence in footer and "<span lang" not in footer.split(" · ")[3], footer
    # a version frozen with another licence line than the site's names its own, in its English words
    old_version = (built_site / "zh/figures/m-county-pilot-trajectory-stages/v/0aaeadaceb63/index.html").read_text(
        encoding="utf-8"
    )
    assert ' · <span lang="en">CC BY 4.0 (text and data); code MIT</span> · ' in old_version


def test_consistency_checks_stated_on_pages(built_site):
    page = (built_site / "figures/return-migrant-tool-types/index.html").read_text(encoding="utf-8")
    assert "50.82 + 23.7 + 25.47 = 99.99 %" in page and "Passes" in page
    methods = (built_site / "methods/index.html").read_text(encoding="utf-8")
    assert "FAIL" not in methods and "jieba" in methods


@pytest.mark.long(seconds=58)
def test_two_clean_builds_are_byte_identical(built_site, tmp_path):
    """A second copy elsewhere, built later with no shared state and in one process (the first
    made the Chinese pages, among others, in forked processes: pages/editions.py), gives the
    same bytes. A process of its own, not forked (tests/forked_builds.py): its own hash seed, so
    an order of sets or dicts that the output depended on would show."""
    root = copy_project(tmp_path / "elsewhere" / "copy")
    run_build(root, "--out", "public", "--jobs", "1", env=os.environ | {"PYTHONHASHSEED": "20261204"})
    assert tree_hashes(root / "public") == tree_hashes(built_site)


def test_failed_build_leaves_published_site_untouched(built_project, tmp_path):
    project = copy_built(built_project, tmp_path / "project")
    out = tmp_path / "_site"
    build_module.build(project, out, renderer="embedded")
    before = tree_hashes(out)
    csv = project / "data/reported/return-migrant-entrepreneurship/tool-types.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("50.82", "50,82"), encoding="utf-8")
    with pytest.raises(build_module.BuildError, match="tool-types.csv, line 2"):
        build_module.build(project, out, renderer="embedded")
    assert tree_hashes(out) == before
    # no staging or previous copy; only the output folder's lock file (locking.py), which never blocks once released
    assert sorted(p.name for p in tmp_path.glob("._site.*")) == ["._site.lock", "._site.lock.owner"]


@pytest.mark.untraced
def test_user_error_exits_non_zero_without_traceback(project_copy, tmp_path):
    events = project_copy / "data/timelines/events.csv"
    events.write_text(events.read_text(encoding="utf-8").replace("In 2006 these", "In 2007 these"), encoding="utf-8")
    code = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys; sys.path.insert(0, {str(ROOT)!r}); import build; "
            f"build.ROOT = __import__('pathlib').Path({str(project_copy)!r}); "
            f"sys.exit(build.main(['--out', {str(tmp_path / 'o')!r}]))",
        ],
        capture_output=True,
        text=True,
    )
    assert code.returncode == 2  # bad input
    assert "data/timelines/events.csv, line" in code.stderr and "not found verbatim" in code.stderr
    assert "Traceback" not in code.stderr


def test_web_fonts_cover_every_chinese_character_of_the_pages(built_site):
    """Chinese renders without a system CJK font: each WOFF2 slice holds exactly the characters of
    its unicode-range, no character is in two slices, and the slices hold every character the pages use."""
    from fontTools.ttLib import TTFont

    sys.path.insert(0, str(ROOT / "bench"))
    from page_weight import parse_stylesheet

    sheet = parse_stylesheet((built_site / "assets/fonts/cjk.css").read_text(encoding="utf-8"))
    assert len(sheet.faces) > 10 and not sheet.urls
    covered: set[int] = set()
    for url, ranges in sheet.faces:
        assert url.endswith(".woff2")
        points = {point for first, last in ranges for point in range(first, last + 1)}
        with TTFont(built_site / "assets/fonts" / url) as font:
            assert font.flavor == "woff2" and set(font.getBestCmap()) == points, url
        assert not points & covered, url
        covered |= points
    for page in built_site.rglob("*.html"):
        used = {ord(ch) for ch in page.read_text(encoding="utf-8") if ord(ch) >= 0x2E80}
        assert used <= covered, page


def test_every_document_keyword_links_to_its_contexts(built_site):
    """Each keyword in a document keyword figure links to a page listing every paragraph where it
    was counted; the page's total equals the figure's count, and each paragraph link has a target."""
    import csv
    import re

    checked = 0
    for data_file in sorted(built_site.glob("figures/*-keywords*/data.csv")):
        rows = list(csv.DictReader(data_file.open(encoding="utf-8")))
        if not rows or not {"document_id", "lang", "count"} <= set(rows[0]):  # counted here, not reported numbers
            continue
        page = (data_file.parent / "index.html").read_text(encoding="utf-8")
        for row in rows:
            keyword = html.escape(row["keyword"], quote=False)
            match = re.search(
                r'<a href="\.\./\.\./(documents/[^"]+/keywords/[^"]+)">' + re.escape(keyword) + "</a>", page
            )
            assert match, (data_file.parent.name, row["keyword"])
            contexts = (built_site / match.group(1)).read_text(encoding="utf-8")
            # "1 time", "in the paragraph below": they read "1 times", "in the 1 paragraphs below"
            times = "time" if row["count"] == "1" else "times"
            paragraphs = contexts.count('<tr><td><a href="')
            where = "in the paragraph below" if paragraphs == 1 else f"in the {paragraphs} paragraphs below"
            said = f"counted <strong>{row['count']}</strong> {times}, {where}"
            assert said in contexts, (data_file.parent.name, row["keyword"], said)
            assert f"<mark>{keyword}</mark>" in contexts or f"<mark>{keyword.capitalize()}</mark>" in contexts
            for anchor in re.findall(r'href="\.\./\.\./\.\./\.\./documents/[^"#]+/index\.html#(p-\d+)"', contexts):
                document = (built_site / match.group(1)).parents[2] / "index.html"
                assert f'id="{anchor}"' in document.read_text(encoding="utf-8")
            checked += 1
    assert checked >= 40


def test_a_figure_page_lists_its_first_inputs_and_inputs_csv_lists_them_all(built_site):
    """A corpus figure reads every text: its page lists the first 25 (each with its SHA-256) and
    says how many there are; inputs.csv, beside it, lists every one."""
    import csv

    folder = built_site / "figures/cn-regulations-keywords-by-level"
    with open(folder / "inputs.csv", encoding="utf-8", newline="") as handle:
        listed = list(csv.reader(handle))[1:]
    page = (folder / "index.html").read_text(encoding="utf-8")
    table = page[page.index('<table class="inputs">') :]
    shown = re.findall(r"<tr><td><code>([^<]*)</code></td><td><code class=\"hash\">([0-9a-f]{64})</code>", table)
    assert len(listed) > 25 and shown == [tuple(row) for row in listed[:25]]
    assert f"all {len(listed)}" in html.unescape(re.sub(r"<[^>]+>", "", table[: table.index("</p>")]))


def test_a_documents_quoted_passages_are_listed_in_reading_order_with_the_figures_quoting_them(built_site):
    """The list ended each document page in the order of its anchors' hashes ("Passage 1" was the
    8th passage of the text) and named one figure per passage by its id; it follows the text now,
    shows each passage's opening, and links every figure whose data quotes it, by its title."""
    import lxml.html

    for edition in ("", "zh/"):
        page = lxml.html.fromstring((built_site / f"{edition}{DOCUMENT_QUOTED}").read_bytes())
        items = page.xpath('//ul[@class="quoted"]/li')
        assert len(items) > 3
        in_text = [span.get("id") for span in page.xpath('//main//span[@class="anchor"]')]
        listed = [item.xpath('.//a[starts-with(@href, "#q-")]/@href')[0][1:] for item in items]
        assert [in_text.index(anchor) for anchor in listed] == sorted(in_text.index(anchor) for anchor in listed)
        for item, anchor in zip(items, listed, strict=True):
            opening = item.xpath(".//q")[0].text_content().rstrip("…")
            assert opening and opening in page.get_element_by_id(anchor).getparent().text_content()
            figures = item.xpath('.//a[contains(@href, "figures/")]')
            assert figures
            for link in figures:
                figure_page = built_site / edition / "figures" / link.get("href").split("figures/")[1]
                title = lxml.html.fromstring(figure_page.read_bytes()).xpath("//h1")[0].text_content()
                assert link.text_content() == title
    # a passage two figures quote names both
    assert any(len(item.xpath('.//a[contains(@href, "figures/")]')) > 1 for item in items)
