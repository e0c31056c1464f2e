"""The site in two editions (issue 17): English at the site's first URLs, Chinese under zh/.
Every page has its twin, the switch and the hreflang alternates lead to it, and a page's links
stay in its edition except for what both editions share (assets, fonts, site-level files)."""

from __future__ import annotations

import gzip
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from markupsafe import escape

from conftest import ROOT

SHARED = ("assets/", "datapackage.json", "CITATION.cff", "sitemap.xml", "corpus/")  # corpus/: its search bundles
SHARED_DOWNLOAD = re.compile(r"figures/[\w-]+/deposit\.zip")  # a figure's deposit bundle, in English, made once


def pages_of(site: Path, edition: str) -> set[str]:
    """Every HTML page of an edition, as its path within the edition."""
    base = site / edition if edition else site
    found = set()
    for page in base.rglob("*.html"):
        path = page.relative_to(base).as_posix()
        if "pagefind/" in path or (not edition and path.startswith("zh/")) or path.endswith("/embed.html"):
            continue  # an embedded view has no chrome, so no switch (tests/test_embed.py checks both editions have it)
        found.add(path)
    return found


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def tags(page: Path) -> list[tuple[str, dict]]:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.found


def catalogue(language: str) -> dict[str, str]:
    import yaml

    return yaml.safe_load((ROOT / "data" / "i18n" / f"{language}.yaml").read_text(encoding="utf-8"))


def heading_text(html: str) -> str:
    """The text of a page's <h1>, without the elements that mark its parts' languages."""
    return re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1))


def test_every_page_has_its_twin_in_the_other_edition(built_site):
    english, chinese = pages_of(built_site, ""), pages_of(built_site, "zh")
    assert len(english) > 500 and english == chinese


def test_the_switch_and_the_alternates_lead_to_the_twin(built_site):
    """On every page of a sample across all kinds: one switch, to the twin, which exists; hreflang
    alternates for both editions and x-default, absolute from the site URL."""
    import yaml

    site_url = yaml.safe_load((ROOT / "data" / "site.yaml").read_text(encoding="utf-8"))["site_url"].rstrip("/")
    sample = sorted(pages_of(built_site, ""))[::7]
    for path in sample:
        for edition, other in (("", "zh/"), ("zh/", "")):
            page = built_site / edition / path
            found = tags(page)
            html = next(a for t, a in found if t == "html")
            assert html["lang"] == (edition.rstrip("/") or "en"), path
            switches = [a for t, a in found if t == "a" and "edition-switch" in (a.get("class") or "")]
            assert len(switches) == 1, (edition, path)
            target = urljoin(f"http://site/{edition}{path}", switches[0]["href"])
            assert target == f"http://site/{other}{path}" and (built_site / f"{other}{path}").is_file(), (edition, path)
            alternates = {
                a["hreflang"]: a["href"]
                for t, a in found
                if t == "link" and a.get("rel") == "alternate" and "hreflang" in a
            }
            address = path.removesuffix("index.html")  # an index page by its folder, as its canonical link
            assert alternates == {
                "en": f"{site_url}/{address}",
                "zh": f"{site_url}/zh/{address}",
                "x-default": f"{site_url}/{address}",
            }


def test_chinese_pages_link_within_their_edition(built_site):
    """Every link and script of a Chinese page leads into zh/, or to what both editions share;
    the only link out to an English page is the switch."""
    checked = 0
    for page in sorted((built_site / "zh").rglob("*.html"))[::3]:
        if "pagefind/" in page.as_posix():
            continue
        path = page.relative_to(built_site).as_posix()
        for tag, attrs in tags(page):
            if tag == "base":  # the not-found page's: its own folder on the host (test_citable)
                continue
            href = attrs.get("href") or (attrs.get("src") if tag in ("script", "img") else None)
            if not href or href.startswith(("#", "http:", "https:", "mailto:", "data:")):
                continue
            target = urlsplit(urljoin(f"http://site/{path}", href)).path.lstrip("/")
            if path.endswith("404.html") and target == "index.html":  # the other edition's home, in its words
                continue
            if "edition-switch" in (attrs.get("class") or ""):
                assert not target.startswith("zh/"), (path, href)
                continue
            assert target.startswith("zh/") or target.startswith(SHARED) or SHARED_DOWNLOAD.fullmatch(target), (
                path,
                href,
            )
            checked += 1
    assert checked > 1000


def test_chinese_pages_show_the_chinese_interface(built_site):
    zh, en = catalogue("zh"), catalogue("en")
    for path in (
        "index.html",
        "figures/index.html",
        "documents/shanxi-collaborative-contest/index.html",
        "methods/index.html",
        "search/index.html",
        "changes/index.html",
    ):
        page = (built_site / "zh" / path).read_text(encoding="utf-8")
        nav = re.findall(r'<nav class="site-nav".*?</nav>', page, re.S)[0]
        labels = re.findall(r"<a [^>]*>([^<]+)</a>", nav)
        assert labels and all(label in {v for k, v in zh.items() if k.startswith("nav.")} for label in labels), labels
        for key in ("layout.skip_to_content", "layout.search_label", "layout.site_navigation"):
            assert zh[key] in page, (path, key)
        for key in ("layout.skip_to_content", "layout.search_label", "layout.breadcrumb"):
            assert en[key] not in page, (path, key)
        english = (built_site / path).read_text(encoding="utf-8")
        assert en["layout.skip_to_content"] in english and zh["layout.skip_to_content"] not in english
        # each edition's browser tab names the site in its language, once
        site_titles = {"zh": "中国地方政府政策试点研究", "en": "Policy Pilots in China"}
        for edition, text in (("zh", page), ("en", english)):
            [title] = re.findall(r"<title>([^<]*)</title>", text.split("</head>")[0])
            assert title.endswith(site_titles[edition]) and title.count(site_titles[edition]) == 1, (path, title)
            assert title == site_titles[edition] or " · " in title, (path, title)


def test_an_earlier_versions_untranslated_words_are_marked_as_english_on_chinese_pages(built_site):
    # A screen reader reads a figure's alt text and caption in the language the page says they are in.
    marked = re.compile(
        r'<p class="visually-hidden" id="[^"]+-alt"( lang="en")?>([^<]*)</p>.*?<figcaption( lang="en")?>([^<]*)<', re.S
    )
    seen = set()
    for page in (built_site / "zh/figures").glob("*/v/*/index.html"):
        for alt_lang, alt, caption_lang, caption in marked.findall(page.read_text(encoding="utf-8")):
            for lang, words in ((alt_lang, alt), (caption_lang, caption)):
                english = bool(re.match(r"[A-Za-z]+,? [A-Za-z]", words))  # "Bar charts of … 应当 1.93%"
                assert bool(lang) == english or not words, (page, words[:80])
                seen.add(bool(lang))
    assert seen == {True, False}  # the history has versions of both kinds


def test_runs_of_the_other_editions_script_in_a_title_are_marked_with_their_language():
    from pilotsite.pages.sources import runs_marked

    assert runs_marked("阶段：M County pilot: from deficit to complementation", "zh") == (
        '阶段：<span lang="en">M County pilot: from deficit to complementation</span>'
    )
    assert runs_marked("Keywords in 温岭 budgets (the 宅基地 pilot)", "en") == (
        'Keywords in <span lang="zh">温岭</span> budgets (the <span lang="zh">宅基地</span> pilot)'
    )
    assert runs_marked("M 县（第 2 版）", "zh") == "M 县（第 2 版）"  # one letter: no word to speak
    assert runs_marked("省 (3)", "en") == '<span lang="zh">省</span> (3)'  # one character is a word
    assert runs_marked("阶段：M County (pilot)", "zh") == '阶段：<span lang="en">M County (pilot)</span>'
    assert runs_marked("<b>x</b>：标题", "zh") == "&lt;b&gt;x&lt;/b&gt;：标题"  # escaped; one letter left as it is
    assert str(runs_marked("<script>标题", "zh")) == '&lt;<span lang="en">script</span>&gt;标题'


def test_english_words_in_chinese_headings_and_card_titles_are_marked_english(built_site):
    """A stage figure's title names its process in English (the data's): 阶段：M County homestead
    pilot: … was read by a Chinese voice, in headings, cards and the data page."""

    def unmarked_latin(element) -> list[str]:  # Latin words outside any lang="en" element
        words = re.findall(r"[A-Za-z]{2,}", element.text or "")
        for child in element:
            if child.get("lang") != "en":
                words += unmarked_latin(child)
            words += re.findall(r"[A-Za-z]{2,}", child.tail or "")
        return words

    import lxml.html

    checked = 0
    pages = [*(built_site / "zh/figures").glob("*/index.html"), built_site / "zh/index.html"]
    pages += [built_site / "zh/figures/index.html", built_site / "zh/data/index.html"]
    for page in pages:
        tree = lxml.html.fromstring(page.read_bytes())
        for heading in tree.xpath("//h1[not(@lang)] | //span[@class='card-title'] | //main//h2[not(@lang)]"):
            assert not unmarked_latin(heading), (page, lxml.html.tostring(heading, encoding="unicode"))
            checked += bool(heading.xpath(".//span[@lang='en']"))
    assert checked >= 4  # the stage figures' page, cards and data entries
    stage = lxml.html.fromstring((built_site / "zh/figures/m-county-pilot-trajectory-stages/index.html").read_bytes())
    assert stage.xpath("string(//h1/span[@lang='en'])").startswith("M County homestead pilot")


def test_english_data_on_chinese_pages_is_marked_english_in_timelines_cards_embeds_and_citations(built_site):
    """The timeline's events, stages and quotes, a card's headline, a document's byline, an
    untranslated version's caption and reference in its embedded view, and a version's GB/T 7714
    reference were English read by a Chinese voice on Chinese pages."""
    import lxml.html

    phrase = re.compile(r"[A-Za-z]{2,}[’'A-Za-z]*(?:[ -]+[A-Za-z]{2,}[’'A-Za-z]*)+")

    def unmarked_phrases(element) -> list[str]:  # English phrases outside any lang="en" element
        found = phrase.findall(element.text or "")
        for child in element:
            if child.get("lang") != "en" and child.tag != "svg":
                found += unmarked_phrases(child)
            found += phrase.findall(child.tail or "")
        return found

    zh = built_site / "zh"
    where = [
        (zh / "timeline/index.html", "//ol[@class='timeline']/li | //ol[@class='stages']/li | //main//h3"),
        (zh / "index.html", "//li[@class='card']/p | //p[@class='byline']"),
        *((page, "//figcaption | //p[@class='embed-cite']") for page in zh.glob("figures/*/v/*/embed.html")),
        *((page, "//p[@id='gbt7714']") for page in zh.glob("figures/*/v/*/index.html")),
    ]
    marked = 0
    for page, elements in where:
        for element in lxml.html.fromstring(page.read_bytes()).xpath(elements):
            assert not unmarked_phrases(element), (page, lxml.html.tostring(element, encoding="unicode")[:300])
            marked += bool(element.xpath(".//*[@lang='en']"))
    assert marked >= 20  # the timeline's English events and stages, untranslated versions


def test_chinese_values_in_english_lists_links_and_comparisons_are_marked_chinese(built_site):
    """Province values (上海, 北京 …) in the corpus's list links, "In the lists: province: 山东" on
    a text's page and the Chinese words of a comparison's cells were not marked lang="zh"."""
    import lxml.html

    def unmarked_han(element) -> str:
        found = re.sub(r"[^\u4e00-\u9fff]", "", element.text or "")
        for child in element:
            if child.get("lang") != "zh":
                found += unmarked_han(child)
            found += re.sub(r"[^\u4e00-\u9fff]", "", child.tail or "")
        return found

    pages = {
        "corpus/index.html": "//a[contains(@href, '/list/')]",
        "corpus/cn-regulations/texts/beijing-0017/index.html": "//p[@class='meta']/a",
    }
    pages |= {
        p.relative_to(built_site).as_posix(): "//table[contains(@class, 'diff')]//td"
        for p in built_site.glob("figures/*/compare/*/index.html")
    }
    # a list's rows ("local · east · municipal · 山东") and its breadcrumb ("province: 山东")
    pages |= {
        p.relative_to(built_site).as_posix(): "//table[contains(@class, 'texts')]//td | //nav[@class='breadcrumbs']//li"
        for p in built_site.glob("corpus/cn-regulations/list/province/*/index.html")
    }
    marked = 0
    for page, where in pages.items():
        for element in lxml.html.fromstring((built_site / page).read_bytes()).xpath(where):
            assert not unmarked_han(element), (page, lxml.html.tostring(element, encoding="unicode")[:200])
            marked += bool(element.xpath(".//span[@lang='zh']"))
    assert marked > 20


def test_the_apa_reference_is_english_in_both_editions_with_its_chinese_marked(built_site):
    """APA is an English style: on Chinese pages its words were read by a Chinese voice, and its
    Chinese title, on English pages, by an English one."""
    import lxml.html

    def unmarked_han(element, lang: str) -> str:  # Chinese characters not in an element marked zh
        lang = element.get("lang") or lang
        found = "" if lang == "zh" else re.sub(r"[^\u4e00-\u9fff]", "", element.text or "")
        for child in element:
            tail = "" if lang == "zh" else re.sub(r"[^\u4e00-\u9fff]", "", child.tail or "")
            found += unmarked_han(child, lang) + tail
        return found

    pages = [*built_site.glob("zh/figures/*/index.html"), *built_site.glob("zh/figures/*/v/*/index.html")]
    chinese_titles = 0
    for page in pages:
        for apa in lxml.html.fromstring(page.read_bytes()).xpath("//p[@id='apa']"):
            assert apa.get("lang") == "en", page
            assert not unmarked_han(apa, "en"), (page, apa.text_content()[:200])
            chinese_titles += bool(apa.xpath("./i[@lang='zh']"))
    assert chinese_titles > 20
    english = lxml.html.fromstring((built_site / "figures/return-migrant-tool-types/index.html").read_bytes())
    [apa] = english.xpath("//p[@id='apa']")
    assert apa.get("lang") is None and apa.xpath("./i")[0].get("lang") is None


def test_each_edition_has_its_own_search_bundle(built_site):
    """The Chinese search page searches zh/pagefind (its own pages), its own copy of each corpus's
    evidence bundle (the evidence pages in Chinese), and the corpora's text bundles, which both
    editions share; the English bundles index no Chinese edition page."""
    from pilotsite.publishing.search import BUNDLE, bundles

    pages = [
        "figures/a/index.html",
        "zh/figures/a/index.html",
        "corpus/c/texts/t1/index.html",
        "corpus/c/evidence/word-x/index.html",
        "zh/corpus/c/evidence/word-x/index.html",
    ]
    found = dict(bundles(pages, {"c": [("corpus/c/search/evidence", []), ("corpus/c/search/texts-t1", ["t1"])]}))
    assert found == {
        BUNDLE: ["figures/a/index.html"],
        f"zh/{BUNDLE}": ["zh/figures/a/index.html"],
        "corpus/c/search/evidence": ["corpus/c/evidence/word-x/index.html"],
        "zh/corpus/c/search/evidence": ["zh/corpus/c/evidence/word-x/index.html"],
        "corpus/c/search/texts-t1": ["corpus/c/texts/t1/index.html"],
    }
    assert (built_site / "zh" / BUNDLE / "pagefind-entry.json").is_file()
    for language, folder in (("en", ""), ("zh", "zh/")):
        search = (built_site / folder / "search/index.html").read_text(encoding="utf-8")
        assert f'src="../{BUNDLE}/pagefind-ui.js"' in search  # zh/pagefind from zh/search/
        shared = re.search(r'data-corpus-bundles="([^"]*)"', search).group(1).split()
        own = re.search(r'data-edition-bundles="([^"]*)"', search).group(1).split()
        assert shared and all("/corpus/cn-regulations/search/texts-" in b for b in shared)
        assert own == [("../../zh/" if folder else "../") + "corpus/cn-regulations/search/evidence/"]
        for bundle in shared + own:
            assert (built_site / folder / "search" / bundle / "pagefind-entry.json").resolve().is_file()
        # the evidence pages of the edition, in its words
        entry = json.loads((built_site / folder / "search" / own[0] / "pagefind-entry.json").read_text("utf-8"))
        evidence = list((built_site / folder / "corpus/cn-regulations/evidence").glob("*/index.html"))
        assert entry["languages"]["zh"]["page_count"] == len(evidence) > 0
        # a page record (gzip of "pagefind_dcd" and JSON) names the page by its title in the edition
        titles = [
            json.loads(gzip.decompress(f.read_bytes())[len(b"pagefind_dcd") :])["meta"]["title"]
            for f in (built_site / folder / "search" / own[0] / "fragment").glob("*.pf_fragment")
        ]
        assert len(titles) == len(evidence)
        assert all(title.startswith("证据：" if language == "zh" else "Evidence: ") for title in titles), titles[:3]


@pytest.mark.parametrize("script", ["figure-filters.js", "version-banner.js", "search.js", "query-words.js"])
def test_scripts_take_their_words_from_the_page(script):
    """The site's scripts show no English of their own: their words come from the catalogues,
    through the page, so the Chinese edition shows Chinese."""
    source = (ROOT / "site" / "assets" / script).read_text(encoding="utf-8")
    code = "\n".join(line for line in source.splitlines() if not line.strip().startswith("//"))
    strings = re.findall(r'"([^"\\]*)"', code)
    # words: two words in a row ("what changed"), or one padded with spaces (" of "); CSS
    # selectors ("#search input") are not words
    words = [
        s
        for s in strings
        if (re.search(r"[A-Za-z]+ [A-Za-z]+", s) or re.fullmatch(r"\s+[a-z]+\s*|\s*[a-z]+\s+", s))
        and not re.search(r"[#.\[\]=]", s)
    ]
    assert not words, words


def figure_pages(site: Path) -> list[Path]:
    return [
        p
        for p in sorted((site / "figures").glob("*/index.html"))
        if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")
    ]


def test_figure_titles_captions_and_citations_are_in_the_edition_language(built_site):
    """Each figure's title, caption and citation are in its edition's language (the catalogues'
    fig.* texts); both editions cite the same permanent version URL."""
    from html import unescape

    pages = figure_pages(built_site)
    assert len(pages) > 20
    for page in pages:
        twin = built_site / "zh" / page.relative_to(built_site)
        english, chinese = page.read_text(encoding="utf-8"), twin.read_text(encoding="utf-8")
        titles = [unescape(heading_text(html)) for html in (english, chinese)]
        captions = [
            unescape(re.search(r"<figcaption>([^<]*)</figcaption>", html).group(1)) for html in (english, chinese)
        ]
        assert (
            titles[0] != titles[1]
            and re.search(r"[\u4e00-\u9fff]", titles[1])
            and not re.search(r"[\u4e00-\u9fff]", titles[0])
        ), titles
        assert captions[0] != captions[1] and re.search(r"[\u4e00-\u9fff]", captions[1]), captions
        bibs = [(folder / "cite.bib").read_text(encoding="utf-8") for folder in (page.parent, twin.parent)]
        assert [
            re.search(r"title = \{\{(.*)\}\},", bib).group(1).replace("\\%", "%") for bib in bibs
        ] == titles  # BibTeX escapes %
        urls = {re.search(r"url = \{([^}]*)\}", bib).group(1) for bib in bibs}
        assert len(urls) == 1 and re.search(r"/figures/[^/]+/v/[0-9a-f]{12}/$", urls.pop())


@pytest.mark.parametrize(
    "key, misspelt, figure",
    [
        (
            "fig.policy_tools.regions.title",
            "fig.policy_tools.regoins.title",
            "return-migrant-regions",
        ),  # resolved when declared
        (
            "fig.policy_tools.alt",
            "fig.policy_tools.alt_text",
            "return-migrant-tool-types",
        ),  # resolved from the figure's cache
    ],
)
def test_a_figure_text_no_catalogue_has_fails_naming_key_and_analysis(project_copy, key, misspelt, figure):
    from conftest import run_build

    analysis = project_copy / "analyses" / "policy_tools.py"
    source = analysis.read_text(encoding="utf-8")
    assert f'Text("{key}"' in source
    analysis.write_text(source.replace(f'Text("{key}"', f'Text("{misspelt}"'), encoding="utf-8")
    result = run_build(project_copy, check=False)
    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert misspelt in message and "analyses/policy_tools.py" in message and figure in message
    assert "Traceback" not in message


def test_alt_texts_headlines_and_checks_are_in_the_edition_language(built_site):
    """What the analyses say about each figure's data (its alt text, its headline on the home
    page, its consistency checks, here and on the methods page) is in the edition's language;
    the English words are the ones the figure versions were published with."""
    from html import unescape

    def alt(html: str) -> str:
        return unescape(re.search(r'<p class="visually-hidden" id="fig-[^"]*-alt">([^<]*)</p>', html).group(1))

    han = re.compile(r"[\u4e00-\u9fff]")
    for page in figure_pages(built_site):
        english = page.read_text(encoding="utf-8")
        chinese = (built_site / "zh" / page.relative_to(built_site)).read_text(encoding="utf-8")
        assert alt(english) != alt(chinese) and han.search(alt(chinese)), page
    page = Path("figures/return-migrant-tool-types/index.html")
    english, chinese = ((built_site / edition / page).read_text(encoding="utf-8") for edition in ("", "zh"))
    assert alt(english).startswith("Horizontal bar chart. supply: 50.82%; demand: 23.7%") and alt(chinese).startswith(
        "横向条形图。供给型：50.82%；需求型：23.7%；"
    )
    # the table's values that the catalogues name are named in the edition's words; others as they are
    regions = Path("figures/return-migrant-regions/index.html")
    assert alt((built_site / "zh" / regions).read_text(encoding="utf-8")).startswith(
        "横向条形图。东部 供给型：48.22%；"
    )
    assert alt((built_site / regions).read_text(encoding="utf-8")).startswith(
        "Horizontal bar chart. east supply: 48.22%;"
    )
    sub_tools = alt((built_site / "zh/figures/return-migrant-sub-tools/index.html").read_text(encoding="utf-8"))
    assert sub_tools.startswith("横向条形图。供给型 entrepreneurial park：10.84%；")
    corpus_types = alt(
        (built_site / "zh/figures/cn-regulations-policy-tool-types/index.html").read_text(encoding="utf-8")
    )
    assert re.search(r"：供给型 [\d.]+%、需求型 [\d.]+%、环境型 [\d.]+%；", corpus_types), corpus_types
    assert not re.search(r"\b(supply|demand|environment)\b", corpus_types + sub_tools), corpus_types + sub_tools
    corpus_sub_tools = alt(
        (built_site / "zh/figures/cn-regulations-policy-sub-tools/index.html").read_text(encoding="utf-8")
    )
    assert "财政资金 " in corpus_sub_tools and "fiscal funds" not in corpus_sub_tools  # the codebook's label_zh
    assert (
        "<strong>Passes:</strong> All three tool types are reported. Types present: supply, demand, environment."
        in english
    )
    assert "<strong>通过：</strong> 三种工具类型均有报告。出现的类型：供给型、需求型、环境型。" in chinese
    home = (built_site / "zh" / "index.html").read_text(encoding="utf-8")
    assert "供给型政策工具占比最大：占全部政策工具编码的 50.82%（需求型 23.7%、环境型 25.47%）。" in home
    # counts and zeros said as such: "1 province", and a term a series never uses has no peak year
    adoption, trends = (
        alt((built_site / f"figures/cn-regulations-{name}/index.html").read_text(encoding="utf-8"))
        for name in ("diffusion-adoption", "keyword-trends")
    )
    assert re.search(r": 1 province, first", adoption) and not re.search(r"\b1 provinces", adoption), adoption
    assert "in central texts: never used" in trends and "(0 per 10,000 words)" not in trends, trends
    zh_trends = alt((built_site / "zh/figures/cn-regulations-keyword-trends/index.html").read_text(encoding="utf-8"))
    assert "在中央文本中：" in zh_trends and "central" not in zh_trends, zh_trends
    # the tagline under the lede is in the other edition's language, from its catalogue
    assert '<p class="lede" lang="en">Policy Pilots in China: every figure has its own page' in home
    assert '<p class="lede" lang="zh">中国地方政府政策试点研究：每幅图都有自己的页面' in (
        built_site / "index.html"
    ).read_text(encoding="utf-8")
    methods = (built_site / "zh" / "methods" / "index.html").read_text(encoding="utf-8")
    assert "三项占比之和在舍入误差内等于 100%" in methods and "个中文停用词，来自 stopwordsiso 包" in methods
    assert "All three tool types are reported" not in methods
    corpus = (built_site / "zh" / "corpus" / "index.html").read_text(encoding="utf-8")
    assert (
        "<strong>行政层级</strong>" in corpus and "<strong>地区（地方文本）</strong>" in corpus
    )  # the default groupings' names
    assert "<h2>中国中央与地方法规（样本）</h2>" in corpus  # title_zh in data/corpora.yaml
    # metadata values the catalogues name (corpus.value.*) in the edition's words, on every corpus page
    # Chinese punctuation, and groups apart from the " · " inside a group's name (地方 · 东部 90 · 地方 ·
    # 中部 32 read as one list)
    assert re.search(r"<strong>行政层级</strong>：中央 \d+；地方 \d+</p>", corpus), corpus
    assert re.search(r"地方 · 东部 \d+；地方 · 中部 \d+；地方 · 西部 \d+", corpus)
    english_corpus = (built_site / "corpus" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<strong>Level of government</strong>: central \d+; local \d+</p>", english_corpus)
    local_text = next(
        page
        for page in sorted((built_site / "zh/corpus/cn-regulations/texts").glob("*/index.html"))
        if "<dd>地方</dd>" in page.read_text(encoding="utf-8")
    )
    english_page = (built_site / local_text.relative_to(built_site / "zh")).read_text(encoding="utf-8")
    assert "<dd>local</dd>" in english_page and "<dd>地方</dd>" not in english_page
    keyness = (built_site / "zh/figures/cn-regulations-keyness-central-local/index.html").read_text(encoding="utf-8")
    assert "<h1>中央文本相对于地方文本使用偏多和偏少的词：" in keyness  # the compared groups, named
    trends_page = (built_site / "zh/figures/cn-regulations-keyword-trends/index.html").read_text(encoding="utf-8")
    assert "中央文本与其他文本分开计算" in trends_page and "central文本" not in trends_page
    # a value in the other language than its page's says so; a date or a number says nothing
    assert re.search(r'<dd lang="zh">[\u4e00-\u9fff]+</dd>', english_page)
    assert not re.search(r'<dd lang="zh">', local_text.read_text(encoding="utf-8"))
    assert not re.search(r'<dd lang="[a-z]+">[\d-]+</dd>', english_page)
    listed = (built_site / "zh/corpus/cn-regulations/list/index.html").read_text(encoding="utf-8")
    # level · region · issuer tier · province of a central text: its empty region and province as dashes
    assert "中央 · — · 中央 · —" in listed and ">east<" not in listed
    # a keyword page's title is a sentence of the edition: only the keyword is in another language
    keyword_pages = sorted((built_site / "zh/documents").glob("*/keywords/en-*/index.html"))
    assert keyword_pages
    for page in keyword_pages:
        assert re.fullmatch(r"[^<]*“[^<]*”", heading_text(page.read_text(encoding="utf-8"))), page
    # metadata labels as the catalogues write them, not lowered by Jinja's capitalize
    text_page = next((built_site / "zh/corpus/cn-regulations/texts").glob("*/index.html"))
    assert "<dt>SHA-256</dt>" in text_page.read_text(encoding="utf-8")
    english_text = (built_site / text_page.relative_to(built_site / "zh")).read_text(encoding="utf-8")
    assert "<dt>SHA-256</dt>" in english_text and "<dt>Characters</dt>" in english_text
    # the Data page describes each column in the edition's words; datapackage.json in English
    zh_data = (built_site / "zh/data/index.html").read_text(encoding="utf-8")
    assert "<td><code>share_pct</code></td><td>number</td><td>百分比</td><td>占比，照原文所载</td>" in zh_data
    package = json.loads((built_site / "datapackage.json").read_text(encoding="utf-8"))
    described = {f["name"]: f for r in package["resources"] for f in r["schema"]["fields"]}
    assert described["share_pct"]["description"] == "Share, as printed in the source"
    assert described["share_pct"]["unit"] == "percent"
    # every published column is described, the corpus studies' too (49 of 193 had no words), a
    # column named by a group of texts by its group
    assert [
        (r["name"], f["name"]) for r in package["resources"] for f in r["schema"]["fields"] if not f["description"]
    ] == []
    assert described["count_central"]["description"] == "Occurrences in the texts of the group central"
    assert (
        "<td><code>count_central</code></td><td>integer</td><td></td><td>在 central 组文本中出现的次数</td>" in zh_data
    )
    data_page = (built_site / "data/index.html").read_text(encoding="utf-8")
    assert re.search(r"<p>Licence: <a [^>]*>CC-BY-4.0 \(text and data\)</a>\.</p>", data_page)  # named once
    # and in the Chinese edition's words there (it named it in English)
    assert re.search(r"<p>许可协议：<a [^>]*>CC-BY-4.0（文本和数据）</a>。</p>", zh_data)
    assert package["licenses"][0]["title"] == "CC-BY-4.0 (text and data)"


def test_what_changed_is_said_in_each_edition_and_in_english_as_the_ledger_says(built_site):
    """The summaries of What changed are composed from what the ledger records, in each edition's
    words; in English they are the ledger's own lines."""
    import json
    from html import unescape

    ledger = json.loads((ROOT / "history" / "ledger.json").read_text(encoding="utf-8"))
    english = (built_site / "changes" / "index.html").read_text(encoding="utf-8")
    chinese = (built_site / "zh" / "changes" / "index.html").read_text(encoding="utf-8")
    checked = 0
    for figure_id, history in ledger["figures"].items():
        for position, entry in enumerate(history, 1):
            anchor = f"{figure_id}-{entry['version']}" + (f"-{position}" if entry.get("restores") else "")
            section = re.search(rf'<section class="change" id="{re.escape(anchor)}">.*?<p>(.*?)</p>', english, re.S)
            # a legacy duplicate's line says why it exists, where its recorded line said only that
            # nothing a reader sees changed (under a rule that such a change makes a version)
            said = "recorded for a change of the engine's code alone" if entry.get("same_as") else entry["summary"]
            assert unescape(re.sub(r"<[^>]+>", "", section.group(1))).startswith(said), (anchor, said)
            checked += 1
    assert checked > 40
    summaries = re.findall(r'<section class="change"[^>]*>.*?<p>(.*?)</p>', chinese, re.S)
    assert len(summaries) == checked and all(re.search(r"[\u4e00-\u9fff]", s) for s in summaries)
    assert "首个发布版本。" in chinese and "first published version" not in chinese and "changed" not in chinese


def test_the_methods_page_describes_each_analysis_in_the_edition_language_or_says_it_is_not(built_site):
    from dataclasses import replace

    from pilotsite.inputs.interface import load_interface
    from pilotsite.pages.site import analysis_description

    chinese = (built_site / "zh" / "methods" / "index.html").read_text(encoding="utf-8")
    assert '<p class="docstring" lang="zh">案例时间线：有日期的事件' in chinese and "未翻译" not in chinese
    english = (built_site / "methods" / "index.html").read_text(encoding="utf-8")
    assert '<p class="docstring" lang="en">Case timelines: dated events' in english
    interface = replace(load_interface(ROOT), language="zh")
    source = (ROOT / "analyses" / "policy_tools.py").read_text(encoding="utf-8")
    assert analysis_description(interface, "analyses/policy_tools.py", source)[:2] == (
        interface.description("analyses/policy_tools.py"),
        "zh",
    )
    text, language, note = analysis_description(replace(interface, descriptions=()), "analyses/policy_tools.py", source)
    assert text.startswith("Policy-tool proportions reported by Fan Yu et al.") and language == "en"
    assert (
        note == "未翻译：以上是该分析的文档字符串；"
        "可在 data/i18n/analyses.zh.yaml 中以键 analyses/policy_tools.py 补充译文。"
    )


def test_a_description_file_with_a_wrong_key_names_its_line(tmp_path):
    from pilotsite.errors import BuildError
    from pilotsite.inputs.interface import load_interface

    catalogues = tmp_path / "data" / "i18n"
    catalogues.mkdir(parents=True)
    for language in ("en", "zh"):
        (catalogues / f"{language}.yaml").write_text(
            (ROOT / "data" / "i18n" / f"{language}.yaml").read_text(encoding="utf-8"), encoding="utf-8"
        )
    (catalogues / "analyses.zh.yaml").write_text(
        "analyses/policy_tools.py: 说明\npolicy_tools: 说明\n", encoding="utf-8"
    )
    with pytest.raises(BuildError) as raised:
        load_interface(tmp_path)
    problem = raised.value.problems[0]
    assert (problem.file, problem.line) == (
        "data/i18n/analyses.zh.yaml",
        2,
    ) and "expected an analysis file" in problem.message


def test_figures_draw_their_axis_labels_in_both_languages(built_site):
    """Each figure is drawn once, cited by one image in both editions: its axis labels, panel
    titles and legends carry both languages (matplotlib keeps each drawn text as a comment)."""
    svg = (built_site / "figures" / "return-migrant-keywords" / "figure.svg").read_text(encoding="utf-8")
    assert all(
        f"<!-- {text} -->" in svg for text in ("% (as reported)", "百分比（原文报告）", "Central policies", "中央政策")
    )
    svg = (built_site / "figures" / "return-migrant-tool-types" / "figure.svg").read_text(encoding="utf-8")
    assert "<!-- Supply-oriented 供给型 -->" in svg
    # the marks' tooltips (their links' names): figure.svg's are English, each edition's page has its own
    tips = {
        edition: re.findall(
            r"<title>([^<]*)</title>",
            (built_site / edition / "figures" / "return-migrant-keywords" / "index.html").read_text(encoding="utf-8"),
        )
        for edition in ("", "zh")
    }
    svg_tips = re.findall(
        r"<title>([^<]*)</title>",
        (built_site / "figures" / "return-migrant-keywords" / "figure.svg").read_text(encoding="utf-8"),
    )
    assert any(tip.endswith("(central policies): 3.52 % as reported") for tip in svg_tips)
    # the same tooltips (the page puts the bars in reading order: pages/charts.py in_reading_order)
    assert sorted(tip for tip in tips[""] if "policies): " in tip) == sorted(
        tip for tip in svg_tips if "policies): " in tip
    )
    assert any(tip.endswith("（中央政策）：原文报告 3.52%") for tip in tips["zh"]) and not any(
        "% as reported" in tip for tip in tips["zh"]
    )


@pytest.mark.untraced  # its summary "the image changed; the data did not": test_versions
def test_an_edited_axis_translation_redraws_the_figures_that_draw_it(built_project, tmp_path):
    from conftest import copy_built, run_build
    from pilotsite.figures.drawn_texts import bilingual, drawing_for, in_reference_language
    from pilotsite.inputs.interface import Text, load_interface

    with drawing_for(load_interface(ROOT)):
        assert bilingual("axis.share_as_reported") == "% (as reported)\n百分比（原文报告）"
        with pytest.raises(ValueError):
            bilingual("fig.keyness.title")  # not part of a figure's key: an edit of it would leave the image stale
        with pytest.raises(ValueError):
            in_reference_language(
                Text("fig.keyness.title")
            )  # a tooltip figure.svg keeps: its key must be part of the figure's too
    project_copy = copy_built(built_project, tmp_path / "project")
    catalogue = project_copy / "data" / "i18n" / "zh.yaml"
    catalogue.write_text(
        catalogue.read_text(encoding="utf-8").replace(
            "axis.share_as_reported: 百分比（原文报告）", "axis.share_as_reported: 原文所报百分比"
        ),
        encoding="utf-8",
    )
    png = project_copy / "_site" / "figures" / "return-migrant-keywords" / "figure.png"
    before = png.read_bytes()
    result = run_build(project_copy)
    assert "drawing return-migrant-keywords (interface words drawn into it)" in result.stdout
    assert png.read_bytes() != before
    assert "<!-- 原文所报百分比 -->" in png.with_suffix(".svg").read_text(encoding="utf-8")
    # A title's translation is shown by the pages, not drawn: the figures are recomputed, their images reused.
    catalogue.write_text(
        catalogue.read_text(encoding="utf-8").replace(
            "fig.keywords.document.title: 高频词（{language}）：{document}",
            "fig.keywords.document.title: 高频词语（{language}）：{document}",
        ),
        encoding="utf-8",
    )
    before = png.read_bytes()
    run_build(project_copy)
    report = json.loads((project_copy / ".build/last-report.json").read_text(encoding="utf-8"))
    retitled = {f for f in report["figures_rebuilt"] if f.endswith(("-keywords-en", "-keywords-zh"))}
    assert retitled and set(report["images_reused"]) == set(report["figures_rebuilt"]), report["images_reused"]
    assert png.read_bytes() == before


def test_the_figures_name_the_groups_they_draw_in_both_languages(built_site):
    """A figure drawn once for both editions names its groups in both, as the pages do: the
    Chinese line of a panel read 'east（90 个文本）'."""
    drawn = {
        "cn-regulations-keywords-by-region": ["<!-- 东部（", "<!-- east ("],
        "cn-regulations-keywords-by-level": ["<!-- 中央（", "<!-- 地方（"],
        "cn-regulations-policy-tool-types": ["<!-- 地方 · 东部 -->", "<!-- local · east -->"],
        "cn-regulations-policy-sub-tools": ["<!-- central 中央 -->", "（供给型） -->"],
        "cn-regulations-keyness-central-local": ["相对频率 中央 / 地方 的", "relative frequency central / local"],
        "cn-regulations-keyword-trends": ["<!-- central 中央 -->", "<!-- local 地方 -->"],
        "return-migrant-regions": ["<!-- 供给型 · 东部 -->", "<!-- Supply-oriented · east -->"],
        # the documents by their short titles, not their ids
        "case-timelines-combined": ["<!-- 返乡创业政策 -->", "<!-- Return-migrant entrepreneurship policy -->"],
    }
    for figure_id, names in drawn.items():
        svg = (built_site / "figures" / figure_id / "figure.svg").read_text(encoding="utf-8")
        assert all(name in svg for name in names), (figure_id, [n for n in names if n not in svg])
    assert "<!-- east（" not in (built_site / "figures/cn-regulations-keywords-by-region/figure.svg").read_text(
        encoding="utf-8"
    )


@pytest.mark.untraced  # its summary "the image changed; the data did not": test_versions
def test_an_edited_name_of_a_group_redraws_the_figures_that_draw_it(built_project, tmp_path):
    """The names a figure draws of its groups (the catalogues' corpus.value.*) are part of what its
    image is drawn from: an edit redraws the figures that draw it, and only them."""
    from conftest import copy_built, run_build
    from pilotsite.figures.drawn_texts import bilingual, drawing_for, value_names
    from pilotsite.inputs.interface import Listed, Text, Translated, load_interface

    with drawing_for(load_interface(ROOT), {"group": {"east": Translated((("en", "east"), ("zh", "东部")))}}):
        assert bilingual("axis.corpus_keywords.panel", group=value_names("group", "east"), count=3) == (
            "east (3 texts)\n东部（3 个文本）"
        )
        for undeclared in (  # names the figure does not declare, nor a list's separator: not part of its key
            Translated((("en", "west"), ("zh", "西部"))),
            Listed((Text("corpus.value.level.local"),)),
            (Translated((("en", "west"), ("zh", "西部"))),),
        ):
            with pytest.raises(ValueError):
                bilingual("axis.corpus_keywords.panel", group=undeclared, count=3)
        # a value without a declared name is drawn as written
        assert bilingual("axis.corpus_keywords.panel", group=value_names("group", "north"), count=2) == (
            "north (2 texts)\nnorth（2 个文本）"
        )
    project_copy = copy_built(built_project, tmp_path / "project")
    catalogue = project_copy / "data" / "i18n" / "zh.yaml"
    catalogue.write_text(
        catalogue.read_text(encoding="utf-8").replace(
            "corpus.value.region.east: 东部", "corpus.value.region.east: 东部地区"
        ),
        encoding="utf-8",
    )
    result = run_build(project_copy)
    assert "drawing cn-regulations-keywords-by-region (the names it draws of its data's values" in result.stdout
    report = json.loads((project_copy / ".build/last-report.json").read_text(encoding="utf-8"))
    redrawn = set(report["figures_rebuilt"]) - set(report["images_reused"])
    assert redrawn == {"cn-regulations-keywords-by-region", "cn-regulations-policy-tool-types"}, report
    svg = (project_copy / "_site/figures/cn-regulations-keywords-by-region/figure.svg").read_text(encoding="utf-8")
    assert "<!-- 东部地区（" in svg


def test_version_pages_are_translated_where_the_translation_is_of_the_version_own_words(built_site):
    """A version's title and caption are frozen in English; the Chinese edition shows the figure's
    Chinese title where the version's English title and caption are the current ones (so the
    translation is of the same words), and cites that version's URL under it; an older wording
    stays in English, marked so, and only it: "（第 2 版）" around it is Chinese (the heading had
    lang="en" as a whole), in the page and in its embedded view."""
    import json

    ledger = json.loads((ROOT / "history" / "ledger.json").read_text(encoding="utf-8"))
    translated = frozen = 0
    for figure_id, history in ledger["figures"].items():
        english_page = built_site / "figures" / figure_id / "index.html"
        if not english_page.is_file() or 'http-equiv="refresh"' in english_page.read_text(encoding="utf-8"):
            continue
        current = heading_text(english_page.read_text(encoding="utf-8"))
        for entry in history:
            folder = Path("figures") / figure_id / "v" / entry["version"]
            meta = json.loads(
                (ROOT / "history" / "figures" / figure_id / entry["version"] / "meta.json").read_text(encoding="utf-8")
            )
            chinese = (built_site / "zh" / folder / "index.html").read_text(encoding="utf-8")
            heading = re.search(r"<h1([^>]*)>(.*?)</h1>", chinese)
            bibs = [(built_site / edition / folder / "cite.bib").read_text(encoding="utf-8") for edition in ("", "zh")]
            urls = {re.search(r"url = \{([^}]*)\}", bib).group(1) for bib in bibs}
            assert len(urls) == 1 and urls.pop().endswith(f"/figures/{figure_id}/v/{entry['version']}/")
            # the Chinese title frozen with the version, or the figure's now where its words are the version's
            frozen_zh = meta.get("translations", {}).get("zh", {}).get("title")
            if frozen_zh or meta["title"] == current.replace("&amp;", "&").replace("&#39;", "'"):
                assert 'lang="en"' not in heading.group(1) and re.search(
                    r"[\u4e00-\u9fff]", heading.group(2).split("（第")[0]
                )
                assert not frozen_zh or str(escape(frozen_zh)) in re.sub(r"<[^>]+>", "", heading.group(2))
                translated += 1
            else:
                marked = f'<span lang="en">{escape(meta["title"])}</span>（第 {entry["number"]} 版）'
                assert heading.group(1) == "" and heading.group(2) == marked, heading.group(0)
                embed = (built_site / "zh" / folder / "embed.html").read_text(encoding="utf-8")
                assert f'target="_top">{marked}</a>' in embed
                frozen += 1
    assert translated > 30 and frozen >= 1, (translated, frozen)


def test_a_text_kept_in_a_cache_file_comes_back_whole():
    """Alt texts and checks are cached as the analysis gave them and put into words per edition."""
    import json

    from pilotsite.inputs.interface import Text, Translated, from_plain, load_interface, to_plain

    interface = load_interface(ROOT)
    value = Text(
        "fig.keywords.overlap.alt",
        pairs=(
            Text("fig.keywords.overlap.pair", a="a", b="<b>", count=3),
            Text("fig.keywords.overlap.pair", a=Translated((("en", "x"), ("zh", "乙"))), b="c", count=1),
        ),
    )
    back = from_plain(json.loads(json.dumps(to_plain(value))))
    assert (
        interface.resolve(back)
        == "Heat map of shared top keywords between pairs of documents: a and <b> share 3; x and c share 1."
    )
    assert (
        interface.resolve(back, "zh")
        == "文档两两之间共有高频关键词数量的热力图：a 与 <b> 共有 3 个；乙 与 c 共有 1 个。"
    )


def test_a_text_is_resolved_in_each_language_values_too():
    import pickle

    from pilotsite.inputs.interface import Text, load_interface

    interface = load_interface(ROOT)
    title = Text("fig.keywords.document.title", language=Text("language.zh"), document="<b>Doc</b>")
    assert interface.resolve(title) == "Most frequent words (Chinese): <b>Doc</b>"
    assert interface.resolve(title, "zh") == "高频词（中文）：<b>Doc</b>"
    assert pickle.loads(pickle.dumps(title)) == title and interface.resolve("plain", "zh") == "plain"
    with pytest.raises(AttributeError):
        title.key = "other"


def test_documents_show_their_fields_in_the_edition_language_or_say_they_are_untranslated(built_site):
    """A document's title, short title and summary are shown in the edition's language where
    document.yaml has them (title_zh, short_title_zh, summary_zh), else as they are, and the page
    says which fields are not translated, naming the key to add."""
    from html import unescape

    import yaml

    def meta(doc_id):
        return yaml.safe_load((ROOT / "data/documents" / doc_id / "document.yaml").read_text(encoding="utf-8"))

    def page(edition, doc_id):
        return unescape((built_site / edition / "documents" / doc_id / "index.html").read_text(encoding="utf-8"))

    shanxi, lu = meta("shanxi-collaborative-contest"), meta("lu-street-typical-experience")
    chinese = page("zh", "shanxi-collaborative-contest")
    assert (
        f"<h1>{shanxi['title_zh']}</h1>" in chinese
        and f'<p class="summary" lang="zh">{shanxi["summary_zh"]}</p>' in chinese
    )
    assert "<dt>未翻译</dt>" not in chinese and shanxi["short_title_zh"] in chinese  # the breadcrumb
    english = page("", "shanxi-collaborative-contest")  # the source gives no English title
    assert f'<p class="summary" lang="en">{" ".join(shanxi["summary"].split())}</p>' in english
    assert re.search(r"<dt>Not translated</dt><dd>title \(title_en\)", english)
    chinese = page("zh", "lu-street-typical-experience")  # the source gives no Chinese title
    assert f'<h1 lang="en">{lu["title"]}</h1>' in chinese and re.search(r"<dt>未翻译</dt><dd>标题（title_zh）", chinese)
    assert "<dt>Not translated</dt>" not in page("", "lu-street-typical-experience")
    figure = unescape(
        (built_site / "zh/figures/shanxi-collaborative-contest-keywords-zh/index.html").read_text(encoding="utf-8")
    )
    assert shanxi["short_title_zh"] in heading_text(figure)  # a Translated value of a Text
    # its kind and languages in the edition's words ("类型 blog-post", "语言 en" had been shown as written)
    for edition, kind, languages in (("zh", "博客文章", "英文"), ("", "blog post", "English")):
        shown = page(edition, "wenling-participatory-budgeting")
        assert re.search(rf"<dt>[^<]*</dt><dd>{kind}</dd>", shown) and f"<dd>{languages}</dd>" in shown, edition
    assert "<dd>中文、英文</dd>" in page("zh", "shanxi-collaborative-contest")


def test_the_chinese_edition_names_the_site_by_its_chinese_title_in_embeds_feeds_and_footers(built_site):
    """zh embed views, Atom feeds and page footers had named the site by its English title."""
    settings = yaml.safe_load((ROOT / "data/site.yaml").read_text(encoding="utf-8"))
    chinese, english = settings["title_zh"], settings["title"]
    figure = next(p.parent for p in sorted((built_site / "zh/figures").glob("*/atom.xml")))
    for path in (figure / "embed.html", figure / "atom.xml", built_site / "zh/changes/atom.xml"):
        titles = re.findall(r"<title[^>]*>([^<]*)</title>", path.read_text(encoding="utf-8"))
        assert titles[0].endswith(chinese) and english not in titles[0], (path, titles[0])
    embed = (figure / "embed.html").read_text(encoding="utf-8")
    assert f'target="_top">{chinese}</a>' in embed
    footer = (figure / "index.html").read_text(encoding="utf-8").split('<footer class="site-footer">')[1]
    assert footer.lstrip().startswith(f"<p>{chinese} ·")


def test_chinese_evidence_pages_name_the_groups_and_values_as_the_text_pages_do(built_site):
    """They had shown 'central 47 · local 186' and rows of 'local east provincial' between pages
    that say 中央, 地方, 东部 and 省级; evidence.csv keeps the values as the metadata writes them."""
    zh = yaml.safe_load((ROOT / "data/i18n/zh.yaml").read_text(encoding="utf-8"))
    central, local = zh["corpus.value.level.central"], zh["corpus.value.level.local"]
    pages = sorted((built_site / "zh/corpus").glob("*/evidence/*/index.html"))
    assert pages
    for page in pages[:20]:
        html = page.read_text(encoding="utf-8")
        assert f" · {central} " in html and f" · {local} " in html, page
        cells = set(re.findall(r"<td>([a-z]+)</td>", html))
        assert not cells & {"central", "local", "east", "west", "provincial"}, (page, cells)
        twin = built_site / page.relative_to(built_site / "zh")
        assert " · central " in twin.read_text(encoding="utf-8")
        assert (page.parent / "evidence.csv").read_bytes() == (twin.parent / "evidence.csv").read_bytes()


def test_the_chinese_keyness_alt_text_and_headline_name_the_groups_as_its_title_does(built_site):
    """Its title said 中央文本相对于地方文本… while its alt text said 在 central 文本中更常见."""
    zh = yaml.safe_load((ROOT / "data/i18n/zh.yaml").read_text(encoding="utf-8"))
    central, local = zh["corpus.value.level.central"], zh["corpus.value.level.local"]
    page = next((built_site / "zh/figures").glob("*-keyness-*/index.html")).read_text(encoding="utf-8")
    assert f"在{central}文本中更常见" in page and f"在{local}文本中更常见" in page
    assert "在 central" not in page and "central 文本" not in page
    english = next((built_site / "figures").glob("*-keyness-*/index.html")).read_text(encoding="utf-8")
    assert "More frequent in central texts" in english


@pytest.mark.parametrize(
    ("figure", "groups"),
    [
        ("cn-regulations-keywords-by-level", ("level.central", "level.local")),
        ("cn-regulations-keywords-by-region", ("region.east", "region.west")),
        ("cn-regulations-policy-tool-types", ("level.central", "level.local", "region.east")),
        ("cn-regulations-policy-sub-tools", ("level.central", "level.local")),
    ],
)
def test_the_chinese_alt_texts_of_grouped_corpus_figures_name_the_groups_in_chinese(built_site, figure, groups):
    """They said 各组最高频词的条形图。central: 企业 1.19%… and 地方 · east: 供给型…, between titles
    and pages that say 中央, 地方, 东部. The English alt text names them as before (no new version)."""
    zh = yaml.safe_load((ROOT / "data/i18n/zh.yaml").read_text(encoding="utf-8"))
    pattern = rf'<p class="visually-hidden" id="fig-{figure}-alt">([^<]+)</p>'
    chinese = re.search(pattern, (built_site / "zh/figures" / figure / "index.html").read_text(encoding="utf-8"))
    english = re.search(pattern, (built_site / "figures" / figure / "index.html").read_text(encoding="utf-8"))
    assert chinese and english
    for group in groups:
        assert zh[f"corpus.value.{group}"] in chinese.group(1)
        assert re.search(rf"(?<![a-z]){group.split('.')[1]}(?![a-z])", english.group(1))
    assert not re.search(r"\b(central|local|east|west|article)\b", chinese.group(1)), chinese.group(1)


def test_the_chinese_trend_caption_lists_its_terms_with_the_chinese_separator(built_site):
    """The caption read '试点, 示范, 创新, 营商环境, 数字逐年每 10,000 个…': ASCII commas, and the
    last term run into the sentence. The terms are listed as the edition lists (试点、示范), apart."""
    import html as html_module

    page = (built_site / "zh/figures/cn-regulations-keyword-trends/index.html").read_text(encoding="utf-8")
    caption = html_module.unescape(re.search(r'<meta name="description" content="([^"]*)"', page).group(1))
    terms = re.search(r"各用语（([^）]*)）逐年每", caption)
    assert terms and "、" in terms.group(1) and ", " not in terms.group(1), caption
    english = (built_site / "figures/cn-regulations-keyword-trends/index.html").read_text(encoding="utf-8")
    assert ", ".join(terms.group(1).split("、")) in html_module.unescape(english)  # the English as it was


def test_the_chinese_timeline_says_approximately_before_the_dates(built_site):
    """An approximate period read "(1967–1969, 约)": an English phrase with the Chinese word put in.
    It reads （约 1967–1969） now, in full-width brackets, and the English edition as it was."""
    chinese = (built_site / "zh/timeline/index.html").read_text(encoding="utf-8")
    english = (built_site / "timeline/index.html").read_text(encoding="utf-8")
    spans = re.findall(r'<span class="meta">([^<]*)</span>', chinese)
    assert any(s.startswith("（约 ") for s in spans) and all(s.startswith("（") and s.endswith("）") for s in spans)
    assert len(re.findall(r'<span class="meta">\([^<]*, approximate\)</span>', english)) == sum(
        s.startswith("（约 ") for s in spans
    )
