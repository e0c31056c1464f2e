"""What a reader takes from a figure page, read from the built site's HTML: downloads saved under
names that say what they are, no empty lines, no form that does nothing without JavaScript, and
only the figure's own words given to search."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html

DOCUMENT_FIGURE = "return-migrant-tool-types"
CORPUS_FIGURE = "cn-regulations-keyness-central-local"


def page(site: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / path).read_bytes())


SAVED_AS = {  # a download's file -> the end of the name it is saved under, after <figure-id>-v<N>
    "figure.svg": ".svg",
    "figure.png": ".png",
    "figure.pdf": ".pdf",
    "figure-300dpi.png": "-300dpi.png",
    "data.csv": ".csv",
    "cite.bib": ".bib",
    "cite.ris": ".ris",
    "cite.json": ".json",
    "CITATION.cff": ".cff",
    "deposit.zip": "-deposit.zip",
    "datacite.json": "-datacite.json",
    "datacite.xml": "-datacite.xml",
    "zenodo.json": "-zenodo.json",
}
DOWNLOAD_LINK = re.compile(rb"<a\b[^>]*\bdownload\b[^>]*>")


def test_downloads_are_saved_under_the_figure_and_version_they_are(built_site):
    """Every download had been saved as data.csv, figure.png, cite.bib: two figures' files
    overwrote each other or became data (1).csv."""
    pages = sorted(built_site.glob("figures/*/index.html")) + sorted(built_site.glob("zh/figures/*/v/*/index.html"))
    with_downloads = 0
    for index in pages:
        figure_id = index.parent.name if index.parent.parent.name == "figures" else index.parents[2].name
        html = page(built_site, str(index.relative_to(built_site)))
        saved = [
            (link.get("download"), SAVED_AS[Path(link.get("href", "")).name])
            for link in html.iter("a")
            if Path(link.get("href", "")).name in SAVED_AS and "download" in link.attrib
        ]
        for name, end in saved:
            assert re.fullmatch(re.escape(figure_id) + r"-v\d+" + re.escape(end), name), (index, name)
        if html.find_class("downloads"):  # not a figure's forwarding page
            with_downloads += 1
            assert len({end for _, end in saved}) >= 7, (index, saved)  # images, data, citations at least
            if index.parent.parent.name == "figures":  # a figure page names its citation file too
                assert any(end == ".cff" for _, end in saved), index
    assert with_downloads > 40


def test_no_download_is_saved_under_a_name_that_does_not_say_whose_it_is(built_site):
    """A figure's code (policy_tools.py, in every version), its inputs.csv, a version's deposit
    files, a comparison's diff.csv, an evidence page's evidence.csv, a document's findings.pdf and
    the data page's data.csv were saved under their bare names: each saved over the one before.
    Each is saved under a name that starts with its figure's, document's or corpus's id."""
    saved_files: set[str] = set()
    for index in sorted(built_site.rglob("*.html")):
        html = index.read_bytes()
        if b"download" not in html:
            continue
        parts = index.relative_to(built_site).parts
        parts = parts[1:] if parts[0] == "zh" else parts
        for tag in DOWNLOAD_LINK.findall(html):
            link = lxml.html.fromstring(tag.decode("utf-8") + "</a>")
            href, saved = link.get("href", ""), link.get("download", "")
            assert saved and saved != Path(href).name, (index, tag)
            if parts[0] in ("figures", "documents", "corpus") and len(parts) > 2:
                owner = parts[1]
            else:  # the data page: each figure's data
                owner = Path(href).parent.name
            assert saved.startswith(owner + "-") or saved == owner + ".csv", (index, tag)
            saved_files.add(Path(href).name)
    assert {"inputs.csv", "diff.csv", "evidence.csv", "findings.pdf", "data.csv", "CITATION.cff"} <= saved_files
    assert {"datacite.json", "datacite.xml", "zenodo.json", "keyword_frequencies.py"} <= saved_files


def test_a_corpus_figure_has_no_empty_from_line_and_a_document_figure_names_its_document(built_site):
    for edition, word in (("", "From:"), ("zh/", "出自：")):
        corpus = page(built_site, f"{edition}figures/{CORPUS_FIGURE}/index.html").text_content()
        assert word not in corpus
        document = page(built_site, f"{edition}figures/{DOCUMENT_FIGURE}/index.html")
        line = next(p for p in document.iter("p") if (p.text_content() or "").startswith(word))
        assert line.find("a") is not None


def test_the_compare_form_is_hidden_until_its_script_shows_it(built_site):
    """Without JavaScript the form reloaded the page and compared nothing; the list beside it works."""
    forms = [
        f for f in page(built_site, f"figures/{DOCUMENT_FIGURE}/index.html").iter("form") if "data-compare" in f.attrib
    ]
    assert forms and all("hidden" in f.attrib for f in forms)
    script = (built_site / "assets/compare.js").read_text(encoding="utf-8")
    assert "form.hidden = false" in script


def test_search_indexes_a_figure_by_its_own_words_not_the_words_every_figure_page_has(built_site):
    """Every figure was found for iframe, contributors, import or matplotlib: its citation, embed
    code, history and code were indexed."""
    for edition in ("", "zh/"):
        main = page(built_site, f"{edition}figures/{DOCUMENT_FIGURE}/index.html").get_element_by_id("main")
        assert "data-pagefind-body" in main.attrib

        def ignored(element: lxml.html.HtmlElement) -> bool:
            return any("data-pagefind-ignore" in a.attrib for a in element.iterancestors())

        for section in ("cite", "embed", "history", "provenance"):
            assert ignored(main.get_element_by_id(section)), section
        assert ignored(next(main.iter("pre")))
        assert not ignored(next(e for e in main.iter("table") if "data" in e.get("class", "").split()))
        assert not ignored(next(main.iter("figure")))


def test_parameters_show_chinese_as_written(built_site):
    """A figure's parameters (its trend terms) were shown as JSON escapes: \\u8bd5\\u70b9 for 试点."""
    for edition in ("", "zh/"):
        shown = page(built_site, f"{edition}figures/cn-regulations-keyword-trends/index.html")
        parameters = [code.text_content() for code in shown.xpath("//pre/code") if '"terms"' in code.text_content()]
        assert parameters and "试点" in parameters[0] and "\\u" not in parameters[0], parameters


def test_the_chinese_trend_tooltips_name_the_series_in_chinese(built_site):
    """The trend lines' tooltips in the Chinese edition said 试点，local，1994 (the series as the data
    has it) where the alt text said 地方; the English ones, and so figure.svg, are as they were."""
    chinese = page(built_site, "zh/figures/cn-regulations-keyword-trends/index.html")
    tips = [t.text_content() for t in chinese.xpath("//svg//title")]
    assert any("，地方，" in tip for tip in tips) and any("，中央，" in tip for tip in tips), tips[:5]
    assert not any("，local，" in tip or "，central，" in tip for tip in tips)
    english = page(built_site, "figures/cn-regulations-keyword-trends/index.html")
    assert any(", local, " in t.text_content() for t in english.xpath("//svg//title"))


def test_the_chinese_sub_tool_tooltips_name_the_sub_tools_in_chinese(built_site):
    """They read fiscal funds（中央）: the codebook's label_zh was in the alt text only."""
    chinese = page(built_site, "zh/figures/cn-regulations-policy-sub-tools/index.html")
    tips = [t.text_content() for t in chinese.xpath("//svg//title")]
    assert any(tip.startswith("财政资金（中央）：") for tip in tips), tips[:5]
    assert not any(tip.startswith("fiscal funds") for tip in tips)


def test_the_software_list_names_the_font_in_the_editions_words(built_site):
    """The Chinese edition listed "font Noto Sans CJK SC (…, from mplfonts)" among its software."""
    for edition, named in (("", "font Noto Sans CJK SC"), ("zh/", "字体 Noto Sans CJK SC")):
        for path in (f"{edition}methods/index.html", f"{edition}figures/{DOCUMENT_FIGURE}/index.html"):
            items = [li.text_content() for li in page(built_site, path).iter("li")]
            fonts = [item for item in items if "Noto Sans CJK SC" in item]
            assert fonts and all(item.startswith(named) and "from" not in item for item in fonts), (path, fonts)
