"""Corpora of other shapes than the shipped one: one level, one region, no dates, extra columns in
another order, groups of one text or none, no level or region columns at all, groupings by
province and year. The figures adapt, or the pages say what was not drawn and why; never a crash.
"""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import lxml.html
import pytest

from conftest import ROOT, copy_built, discard, run_build, write_corpus
from pilotsite.errors import BuildError
from pilotsite.inputs.corpus import CorpusText, column_id, load_corpora
from pilotsite.inputs.interface import Text, Translated
from pilotsite.inputs.project import open_project

SAMPLE = ROOT / "data/corpora/cn-regulations-sample"


def sample_texts(count: int) -> list[tuple[str, str]]:
    """(title, text) of the first texts of the shipped sample: real Chinese regulations."""
    with open(SAMPLE / "metadata.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [(r["title"], (SAMPLE / r["file"]).read_text(encoding="utf-8")) for r in rows[:count]]


@pytest.fixture(scope="module")
def odd_site(built_project, tmp_path_factory) -> Path:
    """A project whose corpora.yaml names two corpora of odd shapes (in place of the shipped
    sample), built once, from a copy of the built default project."""
    root = copy_built(built_project, tmp_path_factory.mktemp("shapes") / "project")
    texts = sample_texts(14)
    # One level, one region (declared with three), no dates, extra columns, columns in another order.
    one = root / "data/corpora/one-region"
    header = ["file", "topic", "region", "id", "level", "title", "issuer_tier", "pages", "Funding Body"]
    rows = [
        {
            "file": f"docs/t{i:02d}.md",
            "topic": "环境" if i % 2 else "交通",
            "region": "east",
            "id": f"t-{i:02d}",
            "level": "local",
            "title": title,
            "issuer_tier": "municipal" if i == 0 else "provincial",
            "pages": str(i),
            "Funding Body": "Ministry of Finance" if i % 2 else "NDRC",
        }
        for i, (title, _) in enumerate(texts[:8])
    ]
    write_corpus(one, header, rows, [t for _, t in texts[:8]])
    # No level, region or tier columns; dated in part; compared by province and by year.
    other = root / "data/corpora/by-province"
    header = ["id", "title", "date", "province", "file"]
    provinces = ["北京", "北京", "上海", "上海", "上海", "重庆"]
    dates = ["2001-05-01", "2001", "", "2019-11", "2019-12-30", ""]
    rows = [
        {"id": f"p{i}", "title": title, "date": dates[i], "province": provinces[i], "file": f"docs/p{i}.md"}
        for i, (title, _) in enumerate(texts[8:14])
    ]
    write_corpus(other, header, rows, [t for _, t in texts[8:14]])
    (root / "data/corpora.yaml").write_text(
        "corpora:\n"
        "  - id: one-region\n    title: One region only\n    path: data/corpora/one-region\n"
        "    groupings:\n"
        "      - {column: level}\n"
        "      - {column: region, values: [east, central, west]}\n"
        "      - {column: issuer_tier, id: tier, label: issuer tier, label_zh: 发文层级}\n"
        "      - {column: topic, label: policy area, label_zh: 政策领域}\n"
        "      - {column: Funding Body, id: funders-provincial, label: funders of provincial texts,"
        " where: {issuer_tier: provincial}}\n"
        "  - id: by-province\n    title: By province and year\n    path: data/corpora/by-province\n"
        "    groupings:\n      - {column: province}\n      - {column: year}\n"
        "    keyness: {column: province, values: [北京, 上海]}\n    list_page_size: 2\n",
        encoding="utf-8",
    )
    # the catalogues name a column in capitals and spaces and values as the metadata writes them
    for language, names in (("en", ("Funder", "MOF", "Chongqing")), ("zh", ("资助机构", "财政部", "重庆市"))):
        with open(root / f"data/i18n/{language}.yaml", "a", encoding="utf-8") as catalogue:
            catalogue.write(
                "corpus.column.Funding Body: {}\ncorpus.value.Funding Body.Ministry of Finance: {}\n"
                "corpus.value.province.重庆: {}\n".format(*names)
            )
    result = run_build(root)
    assert "Traceback" not in result.stdout + result.stderr
    (root.parent / "build-output.txt").write_text(result.stdout, encoding="utf-8")
    yield root
    discard(root.parent)


def figure_data(site: Path, figure_id: str) -> list[dict]:
    return list(csv.DictReader(open(site / f"figures/{figure_id}/data.csv", encoding="utf-8")))


def test_a_corpus_of_one_level_and_one_region_builds_and_says_what_is_not_drawn(odd_site):
    site = odd_site / "_site"
    assert {r["group"] for r in figure_data(site, "one-region-keywords-by-level")} == {"local"}
    region_page = (site / "figures/one-region-keywords-by-region/index.html").read_text(encoding="utf-8")
    assert "No texts in: central, west; not drawn." in region_page
    zh_region = (site / "zh/figures/one-region-keywords-by-region/index.html").read_text(encoding="utf-8")
    assert "以下分组没有文本，未绘制：中部、西部。" in zh_region  # the groups as the catalogues name them
    tier_page = (site / "figures/one-region-keywords-by-tier/index.html").read_text(encoding="utf-8")
    assert "Groups of one text: municipal" in tier_page
    assert "只有一篇文本的分组：市级" in (site / "zh/figures/one-region-keywords-by-tier/index.html").read_text(
        encoding="utf-8"
    )
    overview = (site / "corpus/index.html").read_text(encoding="utf-8")
    # the default keyness study compares central and local texts; this corpus has no central ones
    assert "Not drawn for this corpus" in overview
    assert (
        re.search(r"Keyness: One region only</[^>]*>?: .*no central texts", overview)
        or "the corpus has no central texts" in overview
    )
    assert not (site / "figures/one-region-keyness-central-local").exists()
    # the Chinese edition says why in Chinese
    chinese = (site / "zh/corpus/index.html").read_text(encoding="utf-8")
    assert "本语料库未绘制的图表" in chinese and "语料库在“level”列中没有 central 文本" in chinese
    assert "the corpus has no central texts" not in chinese
    # a declared grouping's label_zh names it there, in the figure's title too; one without, by
    # its column as the catalogues name it (it was named as written: 按region分组)
    assert "<strong>发文层级</strong>" in chinese and "<strong>地区</strong>" in chinese
    # (the corpus's English title marked as English inside the Chinese one)
    tier_title = re.search(
        r"<h1[^>]*>(.*?)</h1>",
        (site / "zh/figures/one-region-keywords-by-tier/index.html").read_text(encoding="utf-8"),
    )
    assert tier_title.group(1) == '按发文层级分组的高频关键词：<span lang="en">One region only</span>'
    region_title = re.search(
        r"<h1[^>]*>(.*?)</h1>",
        (site / "zh/figures/one-region-keywords-by-region/index.html").read_text(encoding="utf-8"),
    )
    assert region_title.group(1) == '按地区分组的高频关键词：<span lang="en">One region only</span>'


def test_a_groupings_label_names_its_column_on_every_page(odd_site):
    """A declared label named the grouping's figures and its line under "Groups compared", while
    the text lists, the text pages and the search filters named the column as written (topic)."""
    site = odd_site / "_site"
    for edition, name in (("", "Policy area"), ("zh/", "政策领域")):
        overview = (site / edition / "corpus/index.html").read_text(encoding="utf-8")
        assert overview.count(f"<strong>{name}</strong>") == 2, edition  # groups compared, and the lists
        text = (site / edition / "corpus/one-region/texts/t-03/index.html").read_text(encoding="utf-8")
        assert f"<dt>{name}</dt>" in text and "<dt>Topic</dt>" not in text
        search = (site / edition / "search/index.html").read_text(encoding="utf-8")
        filters = json.loads(html.unescape(re.search(r"data-filter-names='([^']*)'", search).group(1)))
        assert name in dict(filters).values(), (edition, filters)


def test_the_terminal_names_what_is_not_drawn_and_what_is_no_longer_made(odd_site):
    """The pages said what was not drawn and why; the terminal named only what failed while being
    computed, and nothing of the figures the last build made that these inputs no longer make."""
    said = (odd_site.parent / "build-output.txt").read_text(encoding="utf-8").splitlines()
    assert any(
        line.strip().startswith("not drawn: one-region-keyness (") and "no central texts" in line for line in said
    ), said
    gone = [line.strip() for line in said if line.strip().startswith("no longer made: ")]
    # the default project's corpus was replaced: each of its figures is named once
    assert (
        "no longer made: cn-regulations-keywords-by-level (no analysis makes it from these inputs; "
        "its published versions stay)" in gone
    ), gone
    assert gone and all(line.split()[3].startswith("cn-regulations-") for line in gone), gone
    # the last build could not draw the lag (the centre's texts use none of the terms): nothing of it stays
    assert (
        "no longer made: cn-regulations-diffusion-lag (no analysis makes it from these inputs; it was never published)"
        in gone
    ), gone
    assert len(gone) == len(set(gone))
    # a figure drawn for the first time says so in words, not by the name of a key's component
    assert any("drawing one-region-keywords-by-level (not in the last build)" in line for line in said), said
    assert not any("texts:figure" in line for line in said)
    # neither corpus has a Chinese title: the Chinese edition calls them by their titles, and says so
    assert (
        "      warning: data/corpora.yaml: corpus 'by-province' has no title_zh, so the Chinese edition calls it by "
        "its title, 'By province and year'" in said
    ), said


def test_the_search_page_says_how_much_of_each_text_search_reads(odd_site, built_site):
    """Search reads the first search_characters (default 300) of each text; the search page said
    "宅基地 finds the pages that use that word", and a reader took a word found in few texts for a
    rare one. It names each corpus it reads only the opening of, in both editions."""
    english = (odd_site / "_site/search/index.html").read_text(encoding="utf-8")
    assert "Of each text of One region only, search reads the first 300 characters" in english
    assert "Of each text of By province and year, search reads the first 300 characters" in english
    chinese = (odd_site / "_site/zh/search/index.html").read_text(encoding="utf-8")
    assert "对于One region only中的每篇文本，搜索只读取其前 300 个字符" in chinese
    # the shipped sample is indexed whole (search_characters: 100000, longer than any of its texts)
    assert "search reads the first" not in (built_site / "search/index.html").read_text(encoding="utf-8")


def test_extra_columns_in_another_order_are_shown_with_each_text(odd_site):
    page = (odd_site / "_site/corpus/one-region/texts/t-03/index.html").read_text(encoding="utf-8")
    assert '<dt>Policy area</dt><dd lang="zh">环境</dd>' in page and "<dt>Pages</dt><dd>3</dd>" in page
    assert "<dt>Date</dt>" not in page  # the corpus has no dates: none is made up


def test_a_column_and_values_of_any_spelling_are_named_as_the_catalogues_name_them(odd_site):
    """corpus.column.Funding Body, corpus.value.province.重庆: the catalogues' keys name the
    column and value as the metadata writes them (only lowercase ASCII keys could be written)."""
    site = odd_site / "_site"
    for edition, column, funder, province in (
        ("", "Funder", "MOF", "Chongqing"),
        ("zh/", "资助机构", "财政部", "重庆市"),
    ):
        text = (site / edition / "corpus/one-region/texts/t-03/index.html").read_text(encoding="utf-8")
        assert re.search(rf"<dt>{column}</dt><dd[^>]*>{funder}</dd>", text), edition
        second = (site / edition / "corpus/one-region/texts/t-02/index.html").read_text(encoding="utf-8")
        assert re.search(rf"<dt>{column}</dt><dd[^>]*>NDRC</dd>", second), edition  # not named: as written
        overview = (site / edition / "corpus/index.html").read_text(encoding="utf-8")
        assert re.search(rf">{province} \(1\)</a>", overview), edition
        assert ">重庆 (1)</a>" not in overview
    assert {r["group"] for r in figure_data(site, "by-province-keywords-by-province")} >= {"重庆"}  # data as written
    # the policy-tool figures name the groups so in English too (they kept the value as written)
    tools = (site / "figures/by-province-policy-tool-types/index.html").read_text(encoding="utf-8")
    alt = html.unescape(re.search(r'<p class="visually-hidden" id="fig-[^"]*-alt">([^<]*)</p>', tools).group(1))
    assert "Chongqing" in alt and "重庆" not in alt, alt  # data.csv and the table keep the value
    # a grouping of part of the texts by a column ("funders of provincial texts") names its
    # figure, not the column on every text page (a municipal text's read "Funders of provincial texts")
    assert "<strong>Funders of provincial texts</strong>" in (site / "corpus/index.html").read_text(encoding="utf-8")


def test_groupings_by_province_and_year_leave_undated_texts_out(odd_site):
    site = odd_site / "_site"
    provinces = {r["group"]: int(r["texts"]) for r in figure_data(site, "by-province-keywords-by-province")}
    assert provinces == {"上海": 3, "北京": 2, "重庆": 1}
    years = {r["group"]: int(r["texts"]) for r in figure_data(site, "by-province-keywords-by-year")}
    assert years == {"2001": 2, "2019": 2}
    year_page = (site / "figures/by-province-keywords-by-year/index.html").read_text(encoding="utf-8")
    assert (
        "2 texts are in no group (no value in &#39;year&#39;)" in year_page
        or "2 texts are in no group (no value in 'year')" in year_page
    )
    # the declared keyness study of 北京 against 上海 is drawn, or its page says why not
    overview = (site / "corpus/index.html").read_text(encoding="utf-8")
    assert (site / "figures/by-province-keyness-by-province/index.html").exists() or "significantly" in overview


def test_every_text_has_its_page_and_lists_narrow_by_province_and_year(odd_site):
    site = odd_site / "_site"
    for corpus, count in (("one-region", 8), ("by-province", 6)):
        assert len(list((site / f"corpus/{corpus}/texts").glob("*/index.html"))) == count
    overview = (site / "corpus/index.html").read_text(encoding="utf-8")
    link = re.search(r'<a href="([^"]+)"><span lang="zh">上海</span> \(3\)</a>', overview)  # marked Chinese
    assert link, "no list of the texts of 上海"
    first = (site / "corpus" / link.group(1)).resolve()
    listed = [p.read_text(encoding="utf-8") for p in (first, first.parent / "page-2/index.html")]
    assert [re.findall(r"texts/(p\d)/", page) for page in listed] == [["p3", "p4"], ["p2"]]  # 2 a page, undated last
    assert all(p.stat().st_size < 1_000_000 for p in site.rglob("*.html"))


def test_a_list_is_in_date_order_and_its_pages_say_the_years_they_span_above_and_below_its_texts(odd_site):
    """Rows were in id order, so a province's texts of one year were spread over its list's pages,
    whose links said only their numbers, above the table alone, with no previous or next page."""
    for edition, undated, order in (
        ("", "no date", "In date order, oldest first; texts without a date last."),
        ("zh/", "无日期", "按日期排列，最早的在前；没有日期的文本在最后。"),
    ):
        lists = odd_site / f"_site/{edition}corpus/by-province/list"
        pages = [lists / "index.html", lists / "page-2/index.html", lists / "page-3/index.html"]
        assert not (lists / "page-4").exists()
        rows = [["p1", "p0"], ["p3", "p4"], ["p2", "p5"]]  # "2001" before "2001-05-01"; the undated last
        for number, page in enumerate(pages, start=1):
            tree = lxml.html.fromstring(page.read_text(encoding="utf-8"))
            assert [re.search(r"texts/(p\d)/", a).group(1) for a in tree.xpath("//table//a/@href")] == rows[number - 1]
            assert tree.xpath("normalize-space(//table/caption)") == order
            above = tree.xpath("//nav[@class='pages'][following::table]")
            below = tree.xpath("//nav[@class='pages'][preceding::table]")
            assert len(above) == len(below) == 1
            for nav in above + below:
                spans = [
                    (li.xpath("normalize-space(./*/text())"), li.xpath("string(.//small)"))
                    for li in nav.xpath("./ol/li[.//small]")
                ]
                assert spans == [("1", "2001"), ("2", "2019"), ("3", undated)]
                assert nav.xpath("normalize-space(.//*[@aria-current='page']/text())") == str(number)
                before, after = nav.xpath(".//a[@rel='prev']/@href"), nav.xpath(".//a[@rel='next']/@href")
                assert [(page.parent / h).resolve() for h in before] == pages[max(number - 2, 0) : number - 1]
                assert [(page.parent / h).resolve() for h in after] == pages[number : number + 1]


def test_a_values_list_links_where_each_of_its_years_starts(odd_site):
    """A province's list said "Narrow the list:" above links to the lists of every text of a year,
    which left the province: for its texts of one year a reader paged through its list."""
    site = odd_site / "_site"
    overview = lxml.html.fromstring((site / "corpus/index.html").read_bytes())
    [href] = overview.xpath("//a[normalize-space(.)='上海 (3)']/@href")
    first = (site / "corpus" / href).resolve()
    tree = lxml.html.fromstring(first.read_bytes())
    years = [(a.text_content(), a.get("href").partition("#")) for a in tree.xpath("//p[@class='years']/a")]
    assert [(label, anchor) for label, (_, _, anchor) in years] == [("2019 (2)", "y-2019"), ("no date (1)", "undated")]
    assert [(first.parent / page).resolve() if page else first for _, (page, _, _) in years] == [
        first,
        first.parent / "page-2/index.html",
    ]
    assert tree.xpath("//tr[@id='y-2019']//a/@href")[0].endswith("texts/p3/index.html")
    second = lxml.html.fromstring((first.parent / "page-2/index.html").read_bytes())
    assert second.xpath("//tr[@id='undated']//a/@href")[0].endswith("texts/p2/index.html")
    assert tree.xpath("normalize-space(//div[@class='facets']/p[1])") == "Other lists of the corpus:"
    # the list of every text narrows; a list of one year has no years to link
    every = lxml.html.fromstring((site / "corpus/by-province/list/index.html").read_bytes())
    assert every.xpath("normalize-space(//div[@class='facets']/p[1])") == "Narrow the list:"
    assert not every.xpath("//p[@class='years']")
    [beijing] = overview.xpath("//a[normalize-space(.)='北京 (2)']/@href")
    assert not lxml.html.fromstring((site / "corpus" / beijing).resolve().read_bytes()).xpath("//p[@class='years']")


def test_a_page_of_a_list_within_one_year_is_told_apart_by_its_months():
    from pilotsite.pages.corpus_pages import page_span, page_spans

    def text(date: str) -> CorpusText:
        return CorpusText(date or "x", "t", date, "t.md", "0", 1, {})

    assert page_span([text("2019-11-02"), text("2019-12-30")], 7, "no date") == "2019-11 – 2019-12"
    assert page_span([text("2003"), text("2008-01-01"), text("")], 4, "no date") == "2003–2008 · no date"
    assert page_span([text("2019-11"), text("2019-11-30")], 7, "no date") == "2019-11"
    # pages that years would not tell apart are told apart by months
    pages = [[text("2018-01-01"), text("2019-02-01")], [text("2019-03-01"), text("2019-05-01")], [text("2019-06-01")]]
    assert page_spans(pages, "no date") == ["2018-01 – 2019-02", "2019-03 – 2019-05", "2019-06"]
    assert page_spans(pages[:1] + [[text("2020")]], "no date") == ["2018–2019", "2020"]


def test_a_list_page_size_out_of_bounds_is_named_with_its_line(project_copy):
    (project_copy / "data/corpora.yaml").write_text(
        "corpora:\n  - id: cn-regulations\n    path: data/corpora/cn-regulations-sample\n    list_page_size: 5000\n",
        encoding="utf-8",
    )
    problems = problems_of(project_copy)
    assert any(
        p.startswith("data/corpora.yaml, line 4: field 'corpora.0.list_page_size'") and "1000" in p for p in problems
    ), problems


def test_a_grouping_column_the_metadata_lacks_is_named_with_its_line(project_copy):
    config = project_copy / "data/corpora.yaml"
    config.write_text(
        "corpora:\n  - id: cn-regulations\n    path: data/corpora/cn-regulations-sample\n"
        "    groupings:\n      - {column: level}\n      - {column: county}\n",
        encoding="utf-8",
    )
    with pytest.raises(
        BuildError,
        match=r"corpora.yaml, line 6: corpus 'cn-regulations': grouping column 'county' is not a "
        r"column of data/corpora/cn-regulations-sample/metadata.csv \(it has: id, title, date",
    ):
        load_corpora(open_project(project_copy))


def test_mistakes_of_corpora_yaml_are_listed_in_line_order_saying_how_many_values_a_list_needs(project_copy):
    """Problems came out in pydantic's order (lines 7, 5, 4), and a keyness study of one value said
    "found list, expected a longer list"."""
    (project_copy / "data/corpora.yaml").write_text(
        "corpora:\n  - id: cn-regulations\n    path: data/corpora/cn-regulations-sample\n"
        "    search_characters: -5\n    keyness: {column: level, values: [central]}\n"
        "    groupings:\n      - {column: level, values: central}\n",
        encoding="utf-8",
    )
    problems = problems_of(project_copy)
    assert [int(re.search(r", line (\d+)", p).group(1)) for p in problems] == [4, 5, 7], problems
    assert (
        "data/corpora.yaml, line 5: field 'corpora.0.keyness.values': found ['central'], expected a list of at "
        "least 2 items" in problems
    ), problems


def test_a_list_or_mapping_of_the_wrong_length_is_named_by_what_it_is_and_how_many_it_needs():
    """An empty mapping (a tool type's sub-tools) was "a list", and one item "1 items"."""
    from pydantic import BaseModel, Field, ValidationError

    from pilotsite.inputs.schemas import describe

    class Shaped(BaseModel):
        pair: list[str] = Field(default=["a", "b"], min_length=2, max_length=2)
        tools: dict[str, str] = Field(default={"a": "b"}, min_length=1)
        authors: list[str] = Field(default=["a"], min_length=1)

    said = []
    for given in ({"pair": ["a"]}, {"pair": ["a", "b", "c"]}, {"tools": {}}, {"authors": []}):
        with pytest.raises(ValidationError) as invalid:
            Shaped(**given)
        said += [describe(error) for error in invalid.value.errors()]
    assert said == [
        "field 'pair': found ['a'], expected a list of at least 2 items",
        "field 'pair': found ['a', 'b', 'c'], expected a list of at most 2 items",
        "field 'tools': found dict, expected a non-empty mapping",
        "field 'authors': found [], expected a non-empty list",
    ]


def test_a_mistyped_keyness_study_is_named_with_its_line_as_a_groupings_is(project_copy):
    """A keyness study declared on a column the metadata lacks, or of a value no text has, built
    and exited 0, its figure gone and a note on the corpus page; both are mistakes in the file,
    named with its line, and reported with a grouping's in the same run."""
    config = project_copy / "data/corpora.yaml"
    head = "corpora:\n  - id: cn-regulations\n    path: data/corpora/cn-regulations-sample\n"
    config.write_text(head + "    keyness: {column: levle, values: [central, local]}\n", encoding="utf-8")
    assert problems_of(project_copy) == [
        "data/corpora.yaml, line 4: corpus 'cn-regulations': keyness compares values of 'levle', which is not a "
        "column of data/corpora/cn-regulations-sample/metadata.csv (it has: id, title, date, level, kind, province, "
        "province_pinyin, region, issuer_tier, chars, sha256, file, source; and 'year', read from 'date')"
    ]
    config.write_text(
        head + "    groupings:\n      - {column: county}\n    keyness: {column: region, values: [east, esat]}\n",
        encoding="utf-8",
    )
    problems = problems_of(project_copy)
    assert len(problems) == 2 and "grouping column 'county'" in problems[0], problems
    assert problems[1] == (
        "data/corpora.yaml, line 6: corpus 'cn-regulations': keyness compares 'east' with 'esat' in 'region', and "
        "no text has 'esat' (the texts' region: central, east, west)"
    )


def test_a_year_grouping_of_a_corpus_without_a_date_column_says_which_column_it_reads(project_copy):
    """It said the corpus had 'year', "read from 'date'", while refusing it, for metadata whose
    date column is Date."""
    rows = [
        {"id": f"s{i}", "title": title, "Date": "2010-03-01", "file": f"s{i}.md"}
        for i, (title, _) in enumerate(sample_texts(2))
    ]
    small_corpus(project_copy, ["id", "title", "Date", "file"], rows, "    groupings:\n      - {column: year}\n")
    assert problems_of(project_copy) == [
        "data/corpora.yaml, line 5: corpus 'small': grouping column 'year' is not a column of "
        "data/corpora/small/metadata.csv (it has: id, title, Date, file; 'year' is read from a column 'date', "
        "which it has not): rename 'Date' to 'date'"
    ]


def test_a_grouping_that_keeps_texts_by_a_value_no_text_has_is_named_with_its_line(project_copy):
    """A typo in `where` (level: locl) had grouped no text, and the page then said the column had
    no values at all."""
    config = project_copy / "data/corpora.yaml"
    config.write_text(
        "corpora:\n  - id: cn-regulations\n    path: data/corpora/cn-regulations-sample\n"
        "    groupings:\n      - {column: level}\n      - {column: province, where: {level: locl}}\n",
        encoding="utf-8",
    )
    with pytest.raises(
        BuildError,
        match=r"corpora.yaml, line 6: corpus 'cn-regulations': grouping 'province' keeps the texts whose level is "
        r"'locl', and no text has that value \(the texts' level: central, local\)",
    ):
        load_corpora(open_project(project_copy))


def small_corpus(root: Path, header: list[str], rows: list[dict], config: str = "") -> Path:
    """A corpus `small` of real texts, the only one data/corpora.yaml names (config: more of its
    entry); its metadata.csv."""
    texts = [text for _, text in sample_texts(len(rows))]
    write_corpus(root / "data/corpora/small", header, rows, texts)
    (root / "data/corpora.yaml").write_text(
        "corpora:\n  - id: small\n    path: data/corpora/small\n" + config, encoding="utf-8"
    )
    return root / "data/corpora/small/metadata.csv"


def problems_of(root: Path) -> list[str]:
    with pytest.raises(BuildError) as raised:
        load_corpora(open_project(root))
    return [str(problem) for problem in raised.value.problems]


def test_spreadsheet_headers_load_and_header_mistakes_are_named_with_their_line(project_copy):
    rows = [
        {
            "id": f"s{i}",
            "title": title,
            "line": f"第{i}行",
            "column:line": f"L{i}",
            "has_problem": "no",
            "file": f"s{i}.md",
        }
        for i, (title, _) in enumerate(sample_texts(3))
    ]
    header = ["id", "title", "line", "column:line", "has_problem", "file"]
    metadata = small_corpus(project_copy, header, rows)
    # An empty last column without a name, as spreadsheets export it; columns called like the
    # ones the table reader adds for itself (or like the names it gives those) are a corpus's own.
    lines = [line + "," for line in metadata.read_text(encoding="utf-8").splitlines()]
    metadata.write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = load_corpora(open_project(project_copy))["small"]
    assert corpus.columns == tuple(header)
    assert [t.value("line") for t in corpus.texts] == ["第0行", "第1行", "第2行"]
    assert [t.value("column:line") for t in corpus.texts] == ["L0", "L1", "L2"]
    assert {t.value("has_problem") for t in corpus.texts} == {"no"}
    mistakes = {
        "a value under no name": (
            [*lines[:2], lines[2] + "x", lines[3]],
            "metadata.csv, line 3: has a value in column 7, which the header gives no name",
        ),
        "a column named twice": (
            [lines[0].replace("has_problem", "title"), *lines[1:]],
            "metadata.csv, line 1: the header names column 'title' more than once (columns 2 and 5)",
        ),
        "a comma too many": (  # one problem: its text is not also reported as having no row
            [*lines[:2], lines[2].replace("s1,", "s1,x,", 1), lines[3]],
            "metadata.csv, line 3: has 8 fields, the header has 7",
        ),
        "capitals": ([lines[0].replace("id,", "ID,", 1), *lines[1:]], "did you mean to write 'id' for 'ID'?"),
    }
    for name, (content, message) in mistakes.items():
        metadata.write_text("\n".join(content) + "\n", encoding="utf-8")
        problems = problems_of(project_copy)
        assert any(message in problem for problem in problems) and len(problems) == 1, (name, problems)


def test_a_year_column_of_its_own_is_what_the_year_grouping_reads(project_copy):
    from pilotsite.inputs.interface import load_interface
    from pilotsite.pages.corpus_pages import UNDATED, column_values, text_pages

    rows = [
        {
            "id": f"s{i}",
            "title": title,
            "year": str(2010 + i % 2),
            "date": "2010-03-01" if i == 0 else "",
            "file": f"s{i}.md",
        }
        for i, (title, _) in enumerate(sample_texts(4))
    ]
    header = ["id", "title", "year", "date", "file"]
    small_corpus(project_copy, header, rows, "    groupings:\n      - {column: year}\n")
    corpus = load_corpora(open_project(project_copy))["small"]
    [grouping] = corpus.groupings
    assert dict(grouping.members) == {"2010": ("s0", "s2"), "2011": ("s1", "s3")} and grouping.ungrouped == 0
    # The studies over time read the date, so the texts without one are listed as undated (the
    # figures' notes point to that list) even where they have a year.
    lists = {value: [t.id for t in texts] for value, texts in column_values(corpus, "year")}
    assert lists == {"2010": ["s0", "s2"], "2011": ["s1", "s3"], UNDATED: ["s1", "s2", "s3"]}
    # and their pages link both lists they are in: only the year's had been linked
    interface = load_interface(project_copy)
    for text in corpus.texts:
        [page] = text_pages(corpus, text, ["一句。"], interface)
        shown = [link.label for link in page.context.lists]
        assert shown == [f"year: {text.value('year')}"] + (["Texts without a date"] if not text.date else []), shown


def test_the_default_groupings_declared_as_the_readme_writes_them_are_the_defaults(project_copy):
    """Copying the README's example (the default groupings, declared) named them by their columns
    as written: the Chinese titles read 按region分组 where they had read 按地区（地方文本）分组, and four
    new versions were published. Declared as they are, they are the defaults; a grouping declared
    without a label is named as the catalogues name its column (year: 年份)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    declared = re.search(r"    groupings: .*\n((?:      - .*\n)+)", readme).group(1)
    assert "{column: level, values: [central, local]}" in declared and "where: {level: local}" in declared
    config = project_copy / "data/corpora.yaml"
    defaults = load_corpora(open_project(project_copy))["cn-regulations"].groupings
    lines = [line.split("#")[0].rstrip() for line in declared.splitlines()]
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "    path: data/corpora/cn-regulations-sample\n",
            "    path: data/corpora/cn-regulations-sample\n    groupings:\n"
            + "\n".join(line for line in lines if "发文 机关" not in line)  # the sample has no such column
            + "\n",
        ),
        encoding="utf-8",
    )
    names = {g.id: g.name for g in load_corpora(open_project(project_copy))["cn-regulations"].groupings}
    assert {g.id: g.name for g in defaults[:2]}.items() <= names.items()
    assert names["region"] == Text("corpus.grouping.region")
    assert names["year"] == Text("corpus.column.year") and names["province"] == Text("corpus.column.province")
    assert names["kind"] == Translated((("en", "kind of text"), ("zh", "文本类别")))


def test_a_group_listed_twice_and_a_comparison_with_itself_are_named_with_their_line(project_copy):
    rows = [
        {"id": f"s{i}", "title": title, "level": "local", "file": f"s{i}.md"}
        for i, (title, _) in enumerate(sample_texts(2))
    ]
    config = (
        "    groupings:\n      - {column: level, values: [local, local]}\n"
        "    keyness: {column: level, values: [local, local]}\n"
    )
    small_corpus(project_copy, ["id", "title", "level", "file"], rows, config)
    problems = problems_of(project_copy)
    assert any("corpora.yaml, line 5" in p and "'local' is listed more than once" in p for p in problems)
    assert any("corpora.yaml, line 6" in p and "compares 'local' with itself" in p for p in problems)


def test_a_grouping_column_of_any_name_gets_an_id_that_can_name_figures_or_is_asked_for_one(project_copy):
    # a column "R&D <b>tier</b>: z" had named its figure keywords-by-R&D <b>tier</b>: z, an address
    # with a slash in it, and the build failed in Pagefind; a column that could always name its
    # figures (Region, 发文机关, issuer_tier) keeps the id they were published under
    odd, spaced = "R&D <b>tier</b>: z", "发文 机关"
    plain = ["Region", "发文机关", "issuer_tier"]
    rows = [
        {"id": f"s{i}", "title": title, "level": "local", odd: "a", spaced: "b", "file": f"s{i}.md"}
        | {column: "c" for column in plain}
        for i, (title, _) in enumerate(sample_texts(2))
    ]
    header = ["id", "title", "level", odd, spaced, *plain, "file"]
    config = f"    groupings:\n      - {{column: {json.dumps(odd)}}}\n      - {{column: {spaced}}}\n" + "".join(
        f"      - {{column: {column}}}\n" for column in plain
    )
    small_corpus(project_copy, header, rows, config)
    assert problems_of(project_copy) == [
        f"data/corpora.yaml, line 6: corpus 'small': grouping column '{spaced}' cannot name its figures "
        "(keywords-by-<id>): give the grouping an `id`, lowercase letters, digits and single hyphens"
    ]
    small_corpus(project_copy, header, rows, config.replace(f"{spaced}}}", f"{spaced}, id: issuer}}"))
    corpus = load_corpora(open_project(project_copy))["small"]
    assert [g.id for g in corpus.groupings] == ["r-d-b-tier-b-z", "issuer", "Region", "发文机关", "issuer-tier"]


def test_groupings_whose_ids_collide_are_named_with_their_columns_and_lines(project_copy):
    rows = [
        {
            "id": f"s{i}",
            "title": title,
            "R&D tier": "a",
            "R/D tier": "b",
            "Level": "c",
            "level": "d",
            "file": f"s{i}.md",
        }
        for i, (title, _) in enumerate(sample_texts(2))
    ]
    header = ["id", "title", "R&D tier", "R/D tier", "Level", "level", "file"]
    config = "    groupings:\n" + "".join(
        f"      - {{column: {json.dumps(column)}}}\n" for column in ("R&D tier", "R/D tier", "level", "Level")
    )
    small_corpus(project_copy, header, rows, config)
    assert problems_of(project_copy) == [
        "data/corpora.yaml, line 6: corpus 'small': the groupings on 'R&D tier' (line 5) and on 'R/D tier' both "
        "have the id 'r-d-tier', which names their figures (keywords-by-r-d-tier): give one an `id` of its own",
        # by-level/ and by-Level/ would be one folder on a case-blind file system
        "data/corpora.yaml, line 8: corpus 'small': the groupings on 'level' (line 7) and on 'Level' have the "
        "ids 'level' and 'Level', which differ only in case (one folder on a case-blind file system): give one "
        "an `id` of its own",
    ]


def test_text_lists_are_filed_under_a_folder_an_address_can_hold(project_copy):
    from pilotsite.pages.corpus_pages import list_folders, list_path, slug

    columns = ["R#D tier", "r_d_tier", "发文 机关"]
    rows = [
        {"id": f"s{i}", "title": title, "province": "北京", "file": f"s{i}.md"} | {c: "x" for c in columns}
        for i, (title, _) in enumerate(sample_texts(2))
    ]
    config = (
        "    groupings:\n"
        '      - {column: "R#D tier"}\n'
        "      - {column: r_d_tier, id: rd}\n"  # its own id: r-d-tier is the first one's
        "      - {column: 发文 机关, id: issuer}\n"
    )
    small_corpus(project_copy, ["id", "title", "province", *columns, "file"], rows, config)
    corpus = load_corpora(open_project(project_copy))["small"]
    folders = list_folders(corpus)
    # a `#` had cut the list's address short; two columns that fold to one folder get two
    assert folders == {"R#D tier": "r-d-tier", "r_d_tier": "rd", "发文 机关": "issuer", "province": "province"}
    assert list_path("small", folders["R#D tier"], "x") == f"corpus/small/list/r-d-tier/{slug('v', 'x')}/index.html"


def test_a_default_grouping_of_local_texts_in_a_corpus_of_central_ones_says_so(project_copy):
    # it had said the region column held no value, which the maintainer could not square with the
    # data when the central texts name a region
    from types import SimpleNamespace

    from analyses.corpus_keywords import figures
    from pilotsite.figures.figure import NotDrawn

    rows = [
        {"id": f"s{i}", "title": title, "level": "central", "region": "east", "file": f"s{i}.md"}
        for i, (title, _) in enumerate(sample_texts(2))
    ]
    small_corpus(project_copy, ["id", "title", "level", "region", "file"], rows)
    project = open_project(project_copy)
    catalog = SimpleNamespace(corpora=load_corpora(project), project=project)
    region = next(f for f in figures(catalog) if f.id == "small-keywords-by-region")
    assert isinstance(region, NotDrawn)
    assert region.reason.key == "fig.corpus_keywords.none_kept" and dict(region.reason.values) == {
        "where": "level = local"
    }


def test_a_year_0000_a_text_of_markup_alone_and_an_unlisted_upper_case_file_are_named(project_copy):
    rows = [
        {"id": f"s{i}", "title": title, "date": date, "file": f"s{i}.md"}
        for i, ((title, _), date) in enumerate(zip(sample_texts(3), ["0000-05", "2001", "2002"], strict=True))
    ]
    small_corpus(project_copy, ["id", "title", "date", "file"], rows)
    folder = project_copy / "data/corpora/small"
    (folder / "s1.md").write_text("# \n<!-- 待补 -->\n---\n * * *\n___\n", encoding="utf-8")
    (folder / "extra.TXT").write_text("第一条　本办法自公布之日起施行。\n", encoding="utf-8")
    for notes in ("README.MD", "readme.txt"):  # the corpus's own notes, in any capitals
        (folder / notes).write_text("# 说明\n", encoding="utf-8")
    problems = problems_of(project_copy)
    assert not any("readme" in p.casefold() for p in problems), problems
    assert any("metadata.csv, line 2" in p and "'0000-05'" in p for p in problems)
    assert any(p.startswith("data/corpora/small/s1.md") and "nothing but Markdown" in p for p in problems)
    assert any(p.startswith("data/corpora/small/extra.TXT") and "no row in metadata.csv" in p for p in problems)


def test_a_corpus_without_the_centres_texts_says_so_where_the_lag_is_not_drawn(project_copy):
    from pilotsite.figures.figure import discover_all
    from pilotsite.pipeline import load_catalog

    metadata = project_copy / "data/corpora/cn-regulations-sample/metadata.csv"
    with open(metadata, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert any(r["level"] == "central" for r in rows)
    with open(metadata, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(r | {"level": "local"} for r in rows)
    _, not_drawn = discover_all(load_catalog(project_copy, None, None, 1, ""))
    [lag] = [n for n in not_drawn if n.id == "cn-regulations-diffusion-lag"]
    assert (
        lag.reason
        == "no text of the corpus has 'central' in its 'level' column, so there is no centre to measure a lag from"
    )


def test_a_renamed_corpus_or_grouping_publishes_new_versions_and_the_old_names_bring_the_old_ones_back(
    odd_site, tmp_path
):
    root = copy_built(odd_site, tmp_path / "project")
    config = root / "data/corpora.yaml"
    original = config.read_text(encoding="utf-8")
    config.write_text(
        original.replace("title: By province and year", "title: Provinces and years").replace(
            "label: issuer tier,", "label: tier of the issuer,"
        ),
        encoding="utf-8",
    )
    renamed = run_build(root, traced=False).stdout
    for figure in ("by-province-keywords-by-province", "one-region-keywords-by-tier"):
        assert re.search(rf"{figure}: version \w+ \(title changed", renamed), renamed[-3000:]
    assert "one-region-keywords-by-level: version" not in renamed  # its title names neither
    # The changes page says what a reader sees changed, and counts no code as changed.
    ledger = json.loads((root / "history/ledger.json").read_text(encoding="utf-8"))
    version = ledger["figures"]["by-province-keywords-by-province"][-1]["version"]
    changes = (root / "_site/changes/index.html").read_text(encoding="utf-8")
    entry = changes.split(f'id="by-province-keywords-by-province-{version}"')[1].split("</section>")[0]
    assert "title changed" in entry and "Code, parameters or libraries changed" not in entry, entry
    config.write_text(original, encoding="utf-8")
    back = run_build(root, traced=False).stdout
    for figure in ("by-province-keywords-by-province", "one-region-keywords-by-tier"):
        assert re.search(rf"{figure}: version \w+ \(back to version 1", back), back[-3000:]


def test_a_keyness_study_of_values_that_are_not_ids_is_named_by_a_column_an_address_can_hold(project_copy):
    rows = [
        {"id": f"s{i}", "title": title, "R/D tier": tier, "发文 机关": tier, "file": f"s{i}.md"}
        for i, ((title, _), tier) in enumerate(zip(sample_texts(2), ["一级", "二级"], strict=True))
    ]
    header = ["id", "title", "R/D tier", "发文 机关", "file"]
    small_corpus(project_copy, header, rows, '    keyness: {column: "R/D tier", values: [一级, 二级]}\n')
    # it had been keyness-by-R/D tier, an address with a slash in it
    assert load_corpora(open_project(project_copy))["small"].comparison.named == "by-r-d-tier"
    small_corpus(project_copy, header, rows, "    keyness: {column: 发文 机关, values: [一级, 二级]}\n")
    assert problems_of(project_copy) == [
        "data/corpora.yaml, line 4: corpus 'small': keyness compares values of '发文 机关' that cannot name its "
        "figure (keyness-<a>-<b>), and neither can the column (keyness-by-<column>): compare values that are "
        "lowercase letters, digits and single hyphens, or group by the column with an `id` (groupings: "
        "[{column: …, id: …}]), which names it then"
    ]
    # as the message says: a grouping's id names it
    config = (
        "    groupings:\n      - {column: 发文 机关, id: issuer}\n"
        "    keyness: {column: 发文 机关, values: [一级, 二级]}\n"
    )
    small_corpus(project_copy, header, rows, config)
    assert load_corpora(open_project(project_copy))["small"].comparison.named == "by-issuer"
    # a long column would name a folder over the file system's 255 bytes: it needs an id
    long = "发文机关" * 30
    assert column_id(long) is None and column_id("发文机关") == "发文机关"


def test_values_like_a_missing_date_or_mathtext_and_a_folder_named_twice_build_as_written(built_project, tmp_path):
    """A year column with a value "no date" beside texts without a date, grouping values with $
    (matplotlib's mathtext sign, one of them no valid formula), and a second corpus naming the
    same folder spelled another way: the site builds, each list has an address of its own, and
    the values are drawn and named as written."""
    root = copy_built(built_project, tmp_path / "project")
    provinces = ["北京 $5-$10", "北京 $5-$10", r"$\nosuch{x}$", "上海"]
    dates, years = ["", "2019-05-01", "", "2020-01-02"], ["no date", "2019", "2020", "2020"]
    rows = [
        {
            "id": f"s{i}",
            "title": title,
            "date": dates[i],
            "year": years[i],
            "province": provinces[i],
            "file": f"s{i}.md",
        }
        for i, (title, _) in enumerate(sample_texts(4))
    ]
    small_corpus(
        root,
        ["id", "title", "date", "year", "province", "file"],
        rows,
        "    groupings:\n      - {column: province}\n      - {column: year}\n"
        "  - id: small-again\n    path: ./data/corpora/small/\n    groupings:\n      - {column: province}\n",
    )
    result = run_build(root)
    assert "Traceback" not in result.stdout + result.stderr
    site = root / "_site"
    overview = (site / "corpus/index.html").read_text(encoding="utf-8")

    def listed(label: str) -> set[str]:
        link = re.search(rf'<a href="\.\./(corpus/small/list/year/[^"]+)">{re.escape(label)}</a>', overview)
        assert link, label
        return set(re.findall(r"texts/(s\d)/", (site / link.group(1)).read_text(encoding="utf-8")))

    assert listed("no date (1)") == {"s0"}  # the value
    assert listed("Texts without a date (2)") == {"s0", "s2"}  # the texts the studies over time leave out
    undated = (site / "corpus/small/list/year/undated/index.html").read_text(encoding="utf-8")
    # its breadcrumb names the list (it ended "year: ", the value being no value)
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', undated, re.S)
    assert crumbs and "Texts without a date" in crumbs.group(0), crumbs
    assert ">没有日期的文本 (2)</a>" in (site / "zh/corpus/index.html").read_text(encoding="utf-8")
    groups = {r["group"] for r in figure_data(site, "small-keywords-by-province")}
    assert groups == {"北京 $5-$10", r"$\nosuch{x}$", "上海"}
    # the second corpus names the files as the first does: ./ and the trailing slash are not published
    inputs = (site / "figures/small-again-keywords-by-province/inputs.csv").read_text(encoding="utf-8")
    assert "data/corpora/small/metadata.csv" in inputs and "./data" not in inputs


def test_a_dollar_sign_in_a_figure_is_drawn_as_a_dollar_sign():
    """matplotlib reads text between two $ as a formula by default: "$5-$10" would be drawn as
    "5−10" (and an unknown command fails the figure). Figures draw labels from the data as written."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from pilotsite.figures.drawing import configure

    configure()
    fig = Figure()
    renderer = FigureCanvasAgg(fig).get_renderer()
    width = {label: fig.text(0, 0, label).get_window_extent(renderer).width for label in ("$5-$10", "5-10")}
    assert width["$5-$10"] > width["5-10"] * 1.3
    fig.text(0, 0, r"$\nosuch{x}$").get_window_extent(renderer)  # no formula to parse, no error


def test_an_article_reporting_two_of_the_three_tool_types_is_set_beside_the_corpus_without_the_third(
    built_project, tmp_path
):
    """A source that quantifies two tool types only: its own figure fails the check that all three
    are reported, and the corpus figure that sets its shares beside the corpus's draws its bar
    without the third (it failed: IndexError inside pandas, naming neither the data nor the type)."""
    root = copy_built(built_project, tmp_path / "project")
    table = root / "data/reported/return-migrant-entrepreneurship/tool-types.csv"
    table.write_text(
        "\n".join(
            line for line in table.read_text(encoding="utf-8").split("\n") if not line.startswith("environment,")
        ),
        encoding="utf-8",
    )
    result = run_build(root)
    assert "Traceback" not in result.stdout + result.stderr
    site = root / "_site"
    rows = figure_data(site, "cn-regulations-policy-tool-types")
    assert [r["tool_type"] for r in rows if r["grouping"] == "article"] == ["supply", "demand"]
    assert {r["tool_type"] for r in rows if r["grouping"] != "article"} == {"supply", "demand", "environment"}
    # a mark for each row drawn, and none for the row the article lacks
    svg = (site / "figures/cn-regulations-policy-tool-types/figure.svg").read_text(encoding="utf-8")
    assert len(re.findall(r'href="data\.csv#row=\d+"', svg)) == len(rows)
    page = (site / "figures/return-migrant-tool-types/index.html").read_text(encoding="utf-8")
    assert '<li class="fail"><strong>Fails:</strong> All three tool types are reported.' in page
    # and the build says so, not only the page
    assert "warning: return-migrant-tool-types: check failed: All three tool types are reported (" in result.stdout


def test_a_corpus_of_one_text_per_group_and_no_dates_is_counted_in_words_that_fit(built_project, tmp_path):
    """The corpus page said "Year: ; in no group 3" where no text had a date, pages and figures
    said "1 texts", and the Chinese edition's alt texts listed words joined by the English ", "."""
    root = copy_built(built_project, tmp_path / "project")
    texts = sample_texts(3)
    provinces = ["北京", "上海", "上海"]
    rows = [
        {"id": f"u{i}", "title": title, "date": "", "province": provinces[i], "file": f"docs/u{i}.md"}
        for i, (title, _) in enumerate(texts)
    ]
    write_corpus(
        root / "data/corpora/undated", ["id", "title", "date", "province", "file"], rows, [t for _, t in texts]
    )
    with open(root / "data/corpora.yaml", "a", encoding="utf-8") as config:
        config.write(
            "  - id: undated\n    title: Undated\n    path: data/corpora/undated\n"
            "    groupings:\n      - {column: province}\n      - {column: year}\n"
        )
    run_build(root)
    site = root / "_site"
    overview = (site / "corpus/index.html").read_text(encoding="utf-8")
    assert "<strong>Year</strong>: in no group 3</p>" in overview
    assert "<strong>年份</strong>：未分组 3</p>" in (site / "zh/corpus/index.html").read_text(encoding="utf-8")
    pages = [*site.glob("corpus/**/*.html"), *site.glob("figures/*/index.html")]
    pages += [*site.glob("zh/corpus/**/*.html"), *site.glob("zh/figures/*/index.html")]
    one_texts = [str(p.relative_to(site)) for p in pages if re.search(r"\b1 texts\b", p.read_text(encoding="utf-8"))]
    assert one_texts == []
    lists = [p.read_text(encoding="utf-8") for p in site.glob("corpus/undated/list/**/index.html")]
    assert any("<p>1 text.</p>" in page for page in lists)
    page = lxml.html.fromstring((site / "zh/figures/undated-keywords-by-province/index.html").read_bytes())
    described = page.get_element_by_id("fig-undated-keywords-by-province-alt").text_content()
    assert "%、" in described and "%, " not in described, described
