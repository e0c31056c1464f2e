"""Corpus studies over time on a small made corpus with known answers: keyword trends per year,
rising and falling words, first uses, lags and cumulative adoption, the derived timeline events,
undated texts left out and listed; and a corpus without dates."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import pytest

from conftest import copy_built, discard, run_build, write_corpus

# (id, level, province, date, text): which texts use which terms, and when, is the known answer.
TEXTS = [
    ("c-1", "central", "", "2010-03-01", "第一条 为了推行河长制，制定本条例。\n第二条 各级人民政府应当优化营商环境。"),
    ("c-2", "central", "", "2015-01-01", "第一条 国家开展试点工作。\n第二条 试点地区应当总结试点经验。"),
    ("z-1", "local", "浙江", "2008-05-01", "第一条 本市全面推行河长制。"),
    ("z-2", "local", "浙江", "2012-01-01", "第一条 河长制继续实行。\n第二条 本省持续改善营商环境。"),
    ("s-1", "local", "山东", "2016-06-01", "第一条 总则。\n第二条 全面推行河长制，建立河长体系。"),
    ("s-2", "local", "山东", "", "第一条 营商环境建设。"),  # undated: left out of every study over time
    ("h-1", "local", "河南", "2016-01-01", "第一条 优化营商环境，开展试点示范。"),
]
TRENDS = """terms: [试点, 河长制]
min_texts: 2
periods:
  - {start: 2005, end: 2012}
  - {start: 2013, end: 2020}
shown: 5
min_count: 1
diffusion: [河长制, 营商环境, 从未出现]
"""


@pytest.fixture(scope="module")
def trends_site(built_project, tmp_path_factory) -> Path:
    """The built default project with two made corpora in place of the shipped sample."""
    root = copy_built(built_project, tmp_path_factory.mktemp("trends") / "project")
    rows = [
        {
            "id": i,
            "title": f"文本{i}",
            "date": d,
            "level": level,
            "province": p,
            "region": "east" if p else "",
            "file": f"texts/{i}.md",
        }
        for i, level, p, d, _ in TEXTS
    ]
    write_corpus(
        root / "data/corpora/tiny",
        ["id", "title", "date", "level", "province", "region", "file"],
        rows,
        [text for *_, text in TEXTS],
    )
    write_corpus(
        root / "data/corpora/undated",
        ["id", "title", "level", "file"],
        [{"id": "u-1", "title": "无日期", "level": "local", "file": "texts/u-1.md"}],
        ["第一条 河长制。"],
    )
    (root / "data/corpora.yaml").write_text(
        "corpora:\n  - id: tiny\n    title: Tiny\n    path: data/corpora/tiny\n"
        "  - id: undated\n    title: Undated\n    path: data/corpora/undated\n",
        encoding="utf-8",
    )
    (root / "data/trends.yaml").write_text(TRENDS, encoding="utf-8")
    run_build(root)
    yield root
    discard(root.parent)


def data(site: Path, figure_id: str) -> list[dict]:
    return list(
        csv.DictReader(io.StringIO((site / "_site/figures" / figure_id / "data.csv").read_text(encoding="utf-8")))
    )


def test_first_uses_and_lags(trends_site):
    rows = {(r["term"], r["adopter"]): r for r in data(trends_site, "tiny-diffusion-adoption")}
    assert set(rows) == {
        ("河长制", "central"),
        ("河长制", "浙江"),
        ("河长制", "山东"),
        ("营商环境", "central"),
        ("营商环境", "浙江"),
        ("营商环境", "河南"),
    }  # 从未出现: no row; s-2 undated
    assert rows["河长制", "浙江"]["first_year"] == "2008" and rows["河长制", "浙江"]["lag_years"] == "-2"  # bottom-up
    assert rows["河长制", "山东"]["lag_years"] == "6" and rows["河长制", "山东"]["sentence_number"] == "2"
    assert rows["河长制", "山东"]["sentence"] == "第二条 全面推行河长制，建立河长体系。"
    assert rows["营商环境", "浙江"]["first_date"] == "2012-01-01" and rows["营商环境", "浙江"]["lag_years"] == "2"
    assert rows["营商环境", "河南"]["lag_years"] == "6" and rows["营商环境", "central"]["text_id"] == "c-1"
    assert rows["营商环境", "central"]["lag_years"] == "" and rows["营商环境", "central"]["level"] == "centre"
    # the lag figure has the same first uses; the adoption curve counts provinces cumulatively
    assert {(r["term"], r["adopter"]) for r in data(trends_site, "tiny-diffusion-lag")} == set(rows)
    svg = (trends_site / "_site/figures/tiny-diffusion-adoption/index.html").read_text(encoding="utf-8")
    assert "河长制: 浙江 first used it in 2008-05-01" in svg and "河长制: 山东 first used it in 2016-06-01" in svg


def test_every_first_use_links_to_its_text_and_sentence(trends_site):
    page = (trends_site / "_site/figures/tiny-diffusion-adoption/index.html").read_text(encoding="utf-8")
    assert '<a href="../../corpus/tiny/texts/s-1/index.html#s-2">第二条 全面推行河长制，建立河长体系。</a>' in page
    # each mark of the figure leads to its first use's sentence
    marks = re.findall(r'<a href="([^"]+)">\s*<title>([^<]+)</title>', page)
    assert ("../../corpus/tiny/texts/z-1/index.html#s-1", "河长制: 浙江 first used it in 2008-05-01 (文本z-1)") in marks
    assert all("#s-" in href for href, _ in marks)
    text = (trends_site / "_site/corpus/tiny/texts/s-1/index.html").read_text(encoding="utf-8")
    assert re.search(r'id="s-2"[^>]*>.*全面推行河长制', text)


def test_timeline_shows_the_centres_first_uses_as_derived_events(trends_site):
    page = (trends_site / "_site/timeline/index.html").read_text(encoding="utf-8")
    # (the Chinese in the English edition's events is marked <span lang="zh">: read without the spans)
    derived = [
        re.sub(r'</?span(?: lang="zh")?>', "", d)
        for d in re.findall(r'<li class="derived">(.*?)</li>', page, re.DOTALL)
    ]
    assert len(derived) == 2
    assert "First use of “河长制” in central texts of the corpus" in derived[0] or "First use of “河长制”" in derived[1]
    assert any("“第一条 为了推行河长制，制定本条例。”" in d and "derived from the corpus" in d for d in derived)
    assert any('href="../corpus/tiny/texts/c-1/index.html#s-1"' in d for d in derived)
    # among the events quoted from the documents, in date order
    dates = re.findall(r'<span class="meta">\((\d{4}[-\d]*)', page)
    assert dates == sorted(dates) and "2010-03-01" in dates


def test_shares_per_year_and_texts_per_year(trends_site):
    from pilotsite.analysis.segment import segment_text
    from pilotsite.api import LEGAL_DRAFTING, STOPWORDS, content_counts, read_word_list
    from pilotsite.inputs.corpus import split_sentences

    rows = {(r["term"], r["series"], r["year"]): r for r in data(trends_site, "tiny-keyword-trends")}
    assert rows["试点", "central", "2015"]["occurrences"] == "3" and rows["试点", "central", "2015"]["texts"] == "1"
    assert rows["河长制", "local", "2016"]["occurrences"] == "1" and rows["河长制", "local", "2016"]["texts"] == "2"
    assert (
        rows["河长制", "local", "2008"]["few_texts"] == "True"
        and rows["河长制", "local", "2016"]["few_texts"] == "False"
    )
    assert not any(year == "" for _, _, year in rows)  # the undated text is in no year
    assert sum(int(r["texts"]) for (term, _, _), r in rows.items() if term == "试点") == 6
    # the share is per 10,000 counted words, counted as the keyword figures count them
    excluded = frozenset().union(*(read_word_list(trends_site / p) for p in (*STOPWORDS["zh"], LEGAL_DRAFTING)))
    dictionary = (trends_site / "data/lexicon/userdict.txt").read_text(encoding="utf-8")
    words = Counter(t for s in segment_text(TEXTS[1][4], dictionary) for t in s)
    counted = sum(content_counts(words, excluded).values())
    row = rows["试点", "central", "2015"]
    assert int(row["counted_words"]) == counted and float(row["per_10k"]) == round(10_000 * 3 / counted, 3)
    assert split_sentences(TEXTS[1][4])[1] == "第二条 试点地区应当总结试点经验。"


def test_rising_and_falling_words(trends_site):
    rows = data(trends_site, "tiny-rising-falling-words")
    assert rows and {r["direction"] for r in rows} <= {"rose", "fell"}
    for r in rows:
        change = float(r["change_per_10k"])
        assert (change > 0) == (r["direction"] == "rose") and round(
            float(r["per_10k_b"]) - float(r["per_10k_a"]), 3
        ) == pytest.approx(change, abs=0.002)
        assert r["texts_a"] == "3" and r["texts_b"] == "3"  # 2008, 2010, 2012 against 2015, 2016, 2016
    assert not {"应当", "规定"} & {r["keyword"] for r in rows}  # legal drafting is left out


def test_undated_texts_are_counted_and_listed(trends_site):
    page = (trends_site / "_site/figures/tiny-keyword-trends/index.html").read_text(encoding="utf-8")
    assert "1 of 7 texts has no date and is left out" in page  # one text: has, is
    # the list of the texts without a date, at an address of its own, which every year list links to
    undated = (trends_site / "_site/corpus/tiny/list/year/undated/index.html").read_text(encoding="utf-8")
    assert "Texts of Tiny without a date" in undated and re.findall(r"texts/(s-\d+)/", undated) == ["s-2"]
    years = list((trends_site / "_site/corpus/tiny/list/year").glob("v-*/index.html"))
    assert years and all('undated/index.html">Texts without a date</a>' in p.read_text(encoding="utf-8") for p in years)
    # and the undated text's own page, as a dated text's links its year's list (it linked none)
    text = (trends_site / "_site/corpus/tiny/texts/s-2/index.html").read_text(encoding="utf-8")
    assert 'corpus/tiny/list/year/undated/index.html">Texts without a date</a>' in text
    chinese = (trends_site / "_site/zh/corpus/tiny/texts/s-2/index.html").read_text(encoding="utf-8")
    assert 'corpus/tiny/list/year/undated/index.html">没有日期的文本</a>' in chinese
    dated = (trends_site / "_site/corpus/tiny/texts/s-1/index.html").read_text(encoding="utf-8")
    assert "Texts without a date" not in dated and re.search(r'list/year/v-\w+/index\.html">year: \d{4}</a>', dated)


def test_a_corpus_without_dates_says_so(trends_site):
    page = (trends_site / "_site/corpus/index.html").read_text(encoding="utf-8")
    assert not (trends_site / "_site/figures/undated-keyword-trends").exists()
    assert "Keyword trends: Undated" in page and "no dated texts" in page
    assert "Policy diffusion, provinces adopting each term: Undated" in page


def test_periods_with_no_word_to_compare_say_so_on_the_corpus_page(trends_site, tmp_path):
    """min_count above every word's count: the build had failed with 'produced no data rows',
    blamed on the analysis. The figure is not drawn, and the corpus page says why."""
    root = copy_built(trends_site, tmp_path / "project")
    (root / "data/trends.yaml").write_text(TRENDS.replace("min_count: 1", "min_count: 100000000"), encoding="utf-8")
    run_build(root)
    overview = (root / "_site/corpus/index.html").read_text(encoding="utf-8")
    assert "no word used at least 100000000 times in 2005–2012 and 2013–2020 together rose or fell" in overview
    assert "两期合计出现至少 100000000 次的词中" in (root / "_site/zh/corpus/index.html").read_text(encoding="utf-8")
