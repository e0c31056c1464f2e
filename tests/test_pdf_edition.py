"""The PDF edition of each document's findings (pilotsite/pages/pdf_edition.py): one per document
in each language edition, linked from its page, typeset by Typst in Noto Sans CJK SC with the
font embedded and the text extractable, the same bytes on every build, and typeset again only
when what it shows changes. Read with pypdf."""

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import html
from pypdf import PdfReader

from conftest import copy_built, run_build
from pilotsite.pages.model import EDITIONS
from pilotsite.pages.pdf_edition import CACHE, FINDINGS_PDF, TEMPLATE, typeset

CJK = re.compile(r"[\u4e00-\u9fff]")
SPACE = re.compile(r"\s+")


def squeezed(text: str) -> str:
    """Text without whitespace: lines wrap wherever the page width puts them."""
    return SPACE.sub("", text)


def documents(project: Path) -> list[str]:
    ids = sorted(p.name for p in (project / "data/documents").iterdir() if (p / "document.yaml").is_file())
    assert len(ids) >= 5
    return ids


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def page_fonts(path: Path) -> list[dict]:
    """The fonts the pages set their own text in (the figures' PDFs, embedded as forms, bring theirs)."""
    return [ref.get_object() for page in PdfReader(path).pages for ref in page["/Resources"].get("/Font", {}).values()]


@pytest.mark.parametrize("folder", EDITIONS.values())
def test_every_document_has_a_pdf_edition_linked_from_its_page(built_project, folder):
    site = built_project / "_site"
    for doc_id in documents(built_project):
        page = site / f"{folder}documents/{doc_id}/index.html"
        pdf = page.parent / FINDINGS_PDF
        assert pdf.read_bytes().startswith(b"%PDF-"), pdf
        link = html.fromstring(page.read_bytes()).xpath(f'//main//a[@href="{FINDINGS_PDF}"]')
        assert len(link) == 1 and link[0].get("type") == "application/pdf" and link[0].text_content().strip(), page


@pytest.mark.parametrize("folder", EDITIONS.values())
def test_the_font_is_embedded_and_titles_and_timeline_extract(built_project, folder):
    site = built_project / "_site"
    edition = yaml.safe_load((built_project / "data/site.yaml").read_text(encoding="utf-8"))["date"]
    events = list(
        csv.DictReader(io.StringIO((built_project / "data/timelines/events.csv").read_text(encoding="utf-8")))
    )
    for doc_id in documents(built_project):
        page = html.fromstring((site / f"{folder}documents/{doc_id}/index.html").read_bytes())
        pdf = site / f"{folder}documents/{doc_id}/{FINDINGS_PDF}"
        fonts = page_fonts(pdf)
        assert fonts and all("NotoSansCJKsc-Regular" in f["/BaseFont"] for f in fonts), pdf
        for font in fonts:  # Type0 fonts: the embedded file hangs off the descendant's descriptor
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert {"/FontFile2", "/FontFile3"} & set(descriptor), f"{pdf}: {font['/BaseFont']} is not embedded"
        text = squeezed(pdf_text(pdf))
        assert squeezed(page.xpath("//h1")[0].text_content()) in text  # the document's title
        titles = [t.text_content() for t in page.xpath('//ul[@class="cards"]//span[@class="card-title"]')]
        assert titles, doc_id
        for title in titles:  # every figure's title, in the edition's language
            assert squeezed(title) in text, f"{pdf}: {title}"
        for event in (e for e in events if e["document_id"] == doc_id):
            assert squeezed(event["label"]) in text, f"{pdf}: {event['label']}"
        if folder:
            assert CJK.search(text), f"{pdf}: no Chinese extracts"
        info = PdfReader(pdf).metadata
        assert (
            info["/CreationDate"] == info["/ModDate"] == f"D:{edition.replace('-', '')}000000Z"
        )  # the site's edition, not the clock


@pytest.mark.parametrize("folder", EDITIONS.values())
def test_quoted_passages_follow_the_text_and_name_every_quoting_figure_by_title(built_project, folder):
    """The PDF listed a document's quoted passages in the order of their anchors' hashes, each
    "quoted by" one figure's id; it lists them as the page does: in the text's order, each with
    the titles of all the figures quoting it."""
    language = next(code for code, path in EDITIONS.items() if path == folder)
    t = yaml.safe_load((built_project / f"data/i18n/{language}.yaml").read_text(encoding="utf-8"))
    several = False
    for doc_id in documents(built_project):
        page = html.fromstring((built_project / f"_site/{folder}documents/{doc_id}/index.html").read_bytes())
        text = squeezed(pdf_text(built_project / f"_site/{folder}documents/{doc_id}/{FINDINGS_PDF}"))
        at = 0
        for number, item in enumerate(page.xpath('//ul[@class="quoted"]/li'), 1):
            titles = [a.text_content() for a in item.xpath('.//a[contains(@href, "figures/")]')]
            several |= len(titles) > 1
            label = t["document.quoted_by"].format(
                passage=t["document.passage"].format(number=number),
                figure=t["document.quoted_by_separator"].join(titles),
            )
            found = text.find(squeezed(label), at)
            assert found >= at, f"{doc_id}: {label!r} is not next in the PDF"
            at = found + 1
    assert several  # a passage that two figures quote names both


def minimal_findings(weird: str) -> dict:
    """What the template reads, every text holding Typst's (and HTML's) special characters."""
    quote = {"text": weird, "lang": "en"}
    return {
        "lang": "zh",
        "date": "2026-11-22",
        "authors": [weird],
        "keywords": [weird],
        "title": {"text": "标题 " + weird, "lang": "zh"},
        "summary": quote,
        "kicker": weird,
        "page_url": "https://example.org/x/",
        "footer": weird,
        "labels": {
            key: f"{key} {weird}"
            for key in (
                "metadata",
                "sources",
                "sources_note",
                "timeline",
                "online",
                "cite",
                "permanent",
                "figures",
                "quotes",
            )
        },
        "metadata": [
            {"label": weird, "value": weird, "href": ""},
            {"label": "URL", "value": weird, "href": "https://example.org/"},
        ],
        "figures": [],
        "sources": [{"figure": weird, "lang": "en", "more": weird, "files": [{"path": weird, "sha256": "0" * 64}]}],
        "quotes": [{"text": weird, "lang": "en", "url": "https://example.org/#q", "label": weird}],
        "events": [{"when": weird, "label": weird, "lang": "en", "range": "2020", "quote": quote}],
        "processes": [{"label": weird, "lang": "en", "stages": [{"step": 1, "label": weird, "quote": quote}]}],
    }


def test_data_is_shown_as_text_never_read_as_markup_and_the_bytes_repeat():
    weird = (
        '<script>alert(1)</script> #set text(red) $x^2$ *bold* _it_ @ref [link](x) ] [ \\ "q" `c` // no comment = 政策'
    )
    template = (Path(__file__).resolve().parents[1] / "site" / TEMPLATE).read_bytes()
    text = json.dumps(minimal_findings(weird), ensure_ascii=False).encode("utf-8")
    pdf = typeset(template, text, {}, "2026-11-22", "a test")
    assert typeset(template, text, {}, "2026-11-22", "a test") == pdf
    extracted = squeezed("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    assert extracted.count(squeezed(weird)) >= 10


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=60))
@example(" \xad")  # a soft hyphen ending a link's text: Typst 0.15 failed on it
def test_any_text_typesets(text):
    """Control characters, unpaired marks, soft hyphens, characters the font lacks: never an error or a warning."""
    template = (Path(__file__).resolve().parents[1] / "site" / TEMPLATE).read_bytes()
    assert typeset(
        template, json.dumps(minimal_findings(text), ensure_ascii=False).encode("utf-8"), {}, "2026-11-22", "a test"
    )


@pytest.mark.untraced
def test_only_the_pdfs_of_an_edited_document_are_typeset_again_and_the_bytes_repeat(built_project, tmp_path):
    project = copy_built(built_project, tmp_path / "project")
    cache = project / ".build/cache" / CACHE
    before = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.pdf")}
    assert len(before) == 2 * len(documents(project))
    edited = "wenling-participatory-budgeting"
    meta = project / f"data/documents/{edited}/document.yaml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace("summary: >-\n", "summary: >-\n  Edited.\n", 1), encoding="utf-8"
    )
    run_build(project)
    after = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.pdf")}
    new = set(after) - set(before)
    # The English edition's PDF of the edited document shows the new summary; the Chinese edition
    # shows summary_zh, which did not change: no other PDF was typeset.
    assert len(new) == 1
    assert all(after[name] == before[name] for name in set(after) & set(before))
    assert "Edited." in pdf_text(project / f"_site/documents/{edited}/{FINDINGS_PDF}")
    assert (project / f"_site/documents/{edited}/{FINDINGS_PDF}").read_bytes() == (cache / new.pop()).read_bytes()

    # Typeset afresh, every PDF comes out byte for byte as it was.
    published = {p: p.read_bytes() for p in (project / "_site").rglob(FINDINGS_PDF)}
    for entry in cache.glob("*.pdf"):
        entry.unlink()
    shutil.rmtree(project / "_site")  # so that the build is not a no-op: its pages are made again
    run_build(project)
    assert len(list(cache.glob("*.pdf"))) == 2 * len(documents(project))
    assert {p: p.read_bytes() for p in (project / "_site").rglob(FINDINGS_PDF)} == published
