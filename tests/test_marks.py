"""Every mark of a figure links to the evidence of the data row it shows (figures/marks.py,
pages/charts.py); the browser tests click them (test_browser.py)."""

from __future__ import annotations

import csv
import io
import re

import pandas as pd
import pytest

from pilotsite.figures import drawing
from pilotsite.figures.marks import link_marks
from pilotsite.pages.charts import evidence_hrefs, inline_chart


def draw_bars(data, fig):
    ax = fig.add_subplot()
    rows = data.iloc[::-1]  # drawn bottom-up: the marks must still name their own rows
    bars = ax.barh(rows["label"], rows["value"])
    link_marks(
        bars, rows.index, [f"{label}: {value:g}" for label, value in zip(rows["label"], rows["value"], strict=True)]
    )


def test_each_mark_names_its_data_row_with_its_label_and_value_as_tooltip():
    data = pd.DataFrame({"label": ["甲", "<script>alert(1)</script>", "丙"], "value": [1.5, 2.25, 3.0]})
    drawn = drawing.render(draw_bars, data, (4, 3))
    svg, png = drawn.svg, drawn.png
    text = svg.decode("utf-8")
    links = re.findall(r'<a xlink:href="data\.csv#row=(\d+)"[^>]*>\s*<title>([^<]*)</title>', text)
    # RFC 7111: row 1 of data.csv is its header, so the data row at position i is row i + 2
    assert sorted(links) == [("2", "甲: 1.5"), ("3", "&lt;script&gt;alert(1)&lt;/script&gt;: 2.25"), ("4", "丙: 3")]
    assert "<script>" not in text
    assert png.startswith(b"\x89PNG")


def test_marks_without_a_row_each_are_refused():
    data = pd.DataFrame({"label": ["a", "b"], "value": [1, 2]})

    def draw(data, fig):
        bars = fig.add_subplot().bar(data["label"], data["value"])
        link_marks(bars, [0], ["a: 1"])

    with pytest.raises(ValueError, match="2 marks, 1 rows and 1 tips"):
        drawing.render(draw, data, (3, 2))


def test_the_page_resolves_each_mark_to_its_rows_evidence_or_its_table_row():
    data = pd.DataFrame({"label": ["a", "b", "c"], "value": [1, 2, 3]})
    svg = drawing.render(draw_bars, data, (4, 3)).svg
    columns = ("document_id", "label", "quote")
    rows = (
        (("doc", "../../documents/doc/index.html"), ("a", ""), ("q", "../../documents/doc/index.html#q-1")),
        (("doc", "../../documents/doc/index.html"), ("b", ""), ("", "")),  # a document only: not evidence
        (("doc", ""), ("c", "evidence/c/index.html?x=1&y=<2>"), ("", "")),
    )
    hrefs = evidence_hrefs(columns, rows)
    assert hrefs == ["../../documents/doc/index.html#q-1", "#row-2", "evidence/c/index.html?x=1&y=<2>"]
    chart = inline_chart(svg, hrefs)
    assert chart.startswith('<svg class="chart" ') and 'role="' not in chart.split(">", 1)[0]
    assert not re.search(r"<\?xml|<!DOCTYPE|<!--|data\.csv#row", chart)
    assert not re.search(r"<path (?![^>]*\bd=)", chart)  # HTML requires d on every path
    found = re.findall(r'<a href="([^"]*)">\s*<title>([^<]*)</title>', chart)
    assert sorted(found) == [
        ("#row-2", "b: 2"),
        ("../../documents/doc/index.html#q-1", "a: 1"),
        ("evidence/c/index.html?x=1&amp;y=&lt;2&gt;", "c: 3"),
    ]


def test_a_tooltip_wholly_in_the_other_editions_script_is_marked_with_its_language():
    """A timeline's events are in English alone (the data have no Chinese label): on a Chinese page
    a screen reader had read "late 1960s: Western policy …" as Chinese. A tooltip of both scripts
    (营商环境: 山东 first used it …) cannot be marked in parts, and stays in the page's language."""
    data = pd.DataFrame({"label": ["late 1960s", "人民政府", "部门 (east)", "2017"], "value": [1, 2, 3, 4]})
    svg = drawing.render(draw_bars, data, (4, 3)).svg
    hrefs = ["#a", "#b", "#c", "#d"]

    def marked(chart: str) -> dict[str, str]:
        return dict(
            (title.split(":")[0], lang)
            for lang, title in re.findall(r'<a href="[^"]*"(?: lang="(\w+)")?>\s*<title>([^<]*)</title>', chart)
        )

    assert marked(inline_chart(svg, hrefs, page_language="zh")) == {
        "late 1960s": "en",
        "人民政府": "",
        "部门 (east)": "",
        "2017": "",
    }
    assert marked(inline_chart(svg, hrefs, page_language="en")) == {
        "late 1960s": "",
        "人民政府": "zh",
        "部门 (east)": "",
        "2017": "",
    }
    # a tooltip the page's edition translates is in its language
    translated = inline_chart(svg, hrefs, {0: "20世纪60年代末"}, page_language="zh")
    assert marked(translated)["20世纪60年代末"] == ""


def test_the_chinese_timeline_marks_its_english_events(built_site):
    zh = (built_site / "zh/figures/case-timelines-combined/index.html").read_text(encoding="utf-8")
    events = re.findall(r'<a href="[^"]*"( lang="en")?>\s*<title>([^<]*)</title>', zh)
    assert events and all(lang for lang, _ in events), events
    en = (built_site / "figures/case-timelines-combined/index.html").read_text(encoding="utf-8")
    assert len(re.findall(r"<a href=\"[^\"]*\">\s*<title>", en)) == len(events)


def tab_order(chart: str) -> list[str]:
    """The marks' tooltips in the order of the page's markup, which is the order Tab reaches them."""
    return re.findall(r"<a href=\"[^\"]*\">\s*<title>([^<]*)</title>", chart)


def test_tab_reaches_horizontal_bars_from_the_top_and_vertical_ones_from_the_left():
    data = pd.DataFrame({"label": ["a", "b", "c"], "value": [1.0, -2.0, 3.0]})  # a bar left of zero too
    # matplotlib draws barh's first row at the bottom (draw_bars reverses the rows: a is drawn last)
    drawn = drawing.render(draw_bars, data, (4, 3)).svg
    assert re.findall(r"<title>([^<]*)</title>", drawn.decode("utf-8"))[-3:] == ["c: 3", "b: -2", "a: 1"]
    assert tab_order(inline_chart(drawn, ["#a", "#b", "#c"])) == ["a: 1", "b: -2", "c: 3"]  # top to bottom

    def draw_columns(data, fig):
        rows = data.iloc[::-1]  # drawn right to left: c at 2, b at 1, a at 0
        bars = fig.add_subplot().bar([2, 1, 0], rows["value"])
        link_marks(
            bars, rows.index, [f"{label}: {value:g}" for label, value in zip(rows["label"], rows["value"], strict=True)]
        )

    drawn = drawing.render(draw_columns, data, (4, 3)).svg
    assert tab_order(inline_chart(drawn, ["#a", "#b", "#c"])) == ["a: 1", "b: -2", "c: 3"]  # left to right

    def draw_stacked(data, fig):  # two series stacked in rows: row by row, each left to right
        ax = fig.add_subplot()
        first = ax.barh(["x", "y"], [1, 2])
        second = ax.barh(["x", "y"], [3, 1], left=[1, 2])
        link_marks([*first, *second], [0, 1, 2, 3], ["x1", "y1", "x2", "y2"])

    drawn = drawing.render(draw_stacked, pd.DataFrame({"v": range(4)}), (4, 3)).svg
    assert tab_order(inline_chart(drawn, ["#0", "#1", "#2", "#3"])) == ["y1", "y2", "x1", "x2"]


def test_every_figure_page_shows_its_figure_inline_with_linked_marks(built_site):
    for page in sorted(built_site.glob("figures/*/index.html")):
        html = page.read_text(encoding="utf-8")
        if "http-equiv" in html:
            continue  # a redirect from a former id
        chart = re.search(r'<svg class="chart".*?</svg>', html, re.DOTALL)
        assert chart, page
        marks = re.findall(r'<a href="([^"]*)">\s*<title>([^<]+)</title>', chart.group(0))
        assert marks, f"{page}: no linked mark"
        with open(page.parent / "data.csv", encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        for href, _tip in marks:
            if href.startswith("#row-"):
                assert f'<tr id="{href[1:]}">' in html
                assert 1 <= int(href[5:]) <= len(rows)
            if "quote" in rows[0]:  # a quoted row: the mark leads to the passage
                assert "#q-" in href, (page, href)
        # the download keeps its own links, to its data rows
        svg = (page.parent / "figure.svg").read_text(encoding="utf-8")
        assert len(re.findall(r'xlink:href="data\.csv#row=\d+"', svg)) == len(marks)


def test_keyness_words_have_evidence_pages(built_site):
    figure = built_site / "figures/cn-regulations-keyness-central-local"
    words = list(pd.read_csv(io.StringIO((figure / "data.csv").read_text(encoding="utf-8")))["keyword"])
    html = (figure / "index.html").read_text(encoding="utf-8")
    for word in words:
        href = re.search(rf'<a href="([^"]+)">\s*<title>{re.escape(word)}: log ratio', html).group(1)
        evidence = (figure / href).resolve()
        assert "/corpus/cn-regulations/evidence/" in evidence.as_posix() and evidence.is_file()
        assert word in evidence.read_text(encoding="utf-8").split("<h1", 1)[1].split("</h1>", 1)[0]
