"""Data can contain markup: it must reach readers as text, never as HTML or script."""

import csv
import re

import extruct
import yaml

import build as build_module
from pilotsite.pages.sources import markdown_text

HOSTILE = '<script>alert(1)</script> [x](javascript:alert(2)) "onmouseover=alert(3) `{=html}` {{< meta x >}}'


def test_markdown_escaping_neutralises_syntax():
    escaped = markdown_text(HOSTILE)
    assert "<" not in escaped.replace("\\<", "")
    assert "\\[x\\]\\(javascript\\:alert\\(2\\)\\)" in escaped


def markdown_lines(source: str):
    """The lines of a .qmd outside its ```{=html} raw blocks."""
    raw = False
    for line in source.split("\n"):
        if line.startswith("```"):
            raw = line.strip() == "```{=html}"
        elif not raw:
            yield line


def test_hostile_metadata_and_text_are_escaped_in_every_page(built_project, tmp_path):
    """Built from a copy of the built project: the pages the hostile data reach are made anew, the
    others come from the caches, and every one is checked."""
    from conftest import copy_built

    project_copy = copy_built(built_project, tmp_path / "project")
    meta_path = project_copy / "data/documents/wenling-participatory-budgeting/document.yaml"
    meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    meta.update(title=HOSTILE, short_title=HOSTILE, summary=HOSTILE)
    meta_path.write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    text_path = project_copy / "data/documents/wenling-participatory-budgeting/text.md"
    hostile_line = HOSTILE + " in 2005"
    text_path.write_text(
        text_path.read_text(encoding="utf-8") + "\n" + HOSTILE + "\n\n" + hostile_line + "\n", encoding="utf-8"
    )
    # a timeline event quoting the hostile passage, with a hostile label
    with open(project_copy / "data/timelines/events.csv", "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            ["hostile-event", "wenling-participatory-budgeting", "2005", "2005", "false", "2005", HOSTILE, hostile_line]
        )
    # a corpus text whose title and body are hostile
    corpus = project_copy / "data/corpora/cn-regulations-sample"
    with open(corpus / "metadata.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["title"] = HOSTILE
    rows[0]["region"] = HOSTILE  # a group of the figures by region: their parameters name it
    with open(corpus / "metadata.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    body = corpus / rows[0]["file"]
    body.write_text(body.read_text(encoding="utf-8") + "\n" + HOSTILE + "。\n", encoding="utf-8")
    out = tmp_path / "site"
    build_module.build(project_copy, out, renderer="embedded")
    # The page sources are what the Quarto renderer reads: they must be as safe as the HTML.
    sources = sorted((project_copy / ".build/pages").rglob("*.qmd"))
    assert sources
    for source in sources:
        # The CSL item in `citation:` is data for Quarto's citeproc, not Markdown; it is checked
        # as the JSON it is (the HTML pages above and below show it escaped).
        text = re.sub(r"(?m)^citation: .*$", "", source.read_text(encoding="utf-8"))
        assert "<script>alert" not in text, source
        assert not re.search(r"<[^>]+\sonmouseover=", text), source
        markdown = "\n".join(markdown_lines(text))  # raw HTML blocks are not Markdown
        assert "](javascript:" not in markdown and 'href="javascript:' not in text, source
        assert "{{< meta" not in text, source  # Quarto shortcodes from data stay inert
    hostile_pages = 0
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        hostile_pages += "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        for anchor in re.findall(r'<a [^>]*href="https?://[^"]*"[^>]*>', html):  # every external link
            assert 'rel="noopener noreferrer"' in anchor, (page, anchor)
        for tag in re.findall(r"<script[^>]*>", html):  # only our own: JSON-LD data and the site's scripts
            assert tag == '<script type="application/ld+json">' or re.fullmatch(
                r'<script src="(\.\./)*[\w/.-]+\.js"( defer)?>', tag
            ), (page, tag)
        assert "<script>alert" not in html, page
        assert not re.search(r"<[^>]+\sonmouseover=", html), page
        assert 'href="javascript:' not in html, page
    doc = (out / "documents/wenling-participatory-budgeting/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc
    by_region = (out / "figures/cn-regulations-keywords-by-region/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in by_region.split("<h3>Parameters</h3>")[1].split("</pre>")[0]
    # the link preview shows the hostile title as the text it is, whole
    preview = extruct.extract(doc.encode("utf-8"), syntaxes=["opengraph"], uniform=True)["opengraph"][0]
    assert preview["og:title"] == HOSTILE and preview["og:description"] == HOSTILE
    timeline = (out / "timeline/index.html").read_text(encoding="utf-8")
    assert timeline.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 2  # the label and the quote, as text
    text_page = (out / f"corpus/cn-regulations/texts/{rows[0]['id']}/index.html").read_text(encoding="utf-8")
    assert text_page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 2  # the title and the sentence
    assert hostile_pages >= 6  # document, timeline, corpus text, corpus index, figure data tables, …
    assert 'rel="noopener noreferrer"' in (out / "documents/return-migrant-entrepreneurship/index.html").read_text(
        encoding="utf-8"
    )
