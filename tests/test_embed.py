"""Embedded views: every figure and every figure version has a chrome-less embed.html, small
enough to put in other sites' pages, and the figure page gives the <iframe> that embeds it.
(tests/test_browser.py embeds one in a page served from another port.)"""

import re
from pathlib import Path
from urllib.parse import urljoin

import lxml.html
from fontTools.ttLib import TTFont

SITE_URL = "https://example.org/policy-pilots"
BUDGET = 100_000
HEADERS = 300  # bytes of response headers per request, as bench/page_weight.py counts them


def fetched_bytes(page: Path, site: Path) -> int:
    """What a browser fetches for an embedded view in a 640 px frame: the HTML, its stylesheet,
    the web-font faces its <style> names, and the image srcset picks at that width."""
    tree = lxml.html.fromstring(page.read_bytes())
    files = [page]
    files += [(page.parent / href).resolve() for href in tree.xpath("//link[@rel='stylesheet']/@href")]
    for style in tree.xpath("//style/text()"):
        files += [(page.parent / url).resolve() for url in re.findall(r'url\("([^"]+)"\)', style)]
    image = tree.xpath("//img")[0]
    candidates = sorted((int(w[:-1]), src) for src, w in (c.split() for c in image.get("srcset").split(",")))
    chosen = next((src for width, src in candidates if width >= 640), candidates[-1][1])
    files.append(page.parent / chosen)
    return sum(f.stat().st_size + HEADERS for f in files)


def test_every_figure_and_version_has_a_small_chrome_less_embedded_view(built_site):
    full_pages = [p for p in built_site.glob("*figures/*/index.html") if (p.parent / "figure.png").is_file()]
    full_pages += list(built_site.glob("*figures/*/v/*/index.html"))
    full_pages += [p for p in built_site.glob("zh/figures/*/index.html") if (p.parent / "figure.png").is_file()]
    full_pages += list(built_site.glob("zh/figures/*/v/*/index.html"))
    assert len(full_pages) > 100
    heaviest = 0
    for full in full_pages:
        embed = full.parent / "embed.html"
        assert embed.is_file(), full
        tree = lxml.html.fromstring(embed.read_bytes())
        assert not tree.xpath("//header | //nav | //footer | //form | //script"), embed  # no chrome
        stylesheets = tree.xpath("//link[@rel='stylesheet']/@href")
        assert [Path(s).name for s in stylesheets] == ["embed.css"], embed  # not the site's stylesheet or font slices
        assert tree.xpath("//meta[@name='robots']/@content") == ["noindex"]
        assert tree.xpath("//link[@rel='canonical']/@href") == [f"{SITE_URL}/{full.parent.relative_to(built_site)}/"]
        links = tree.xpath("//a")
        assert links and all(a.get("target") == "_top" for a in links), (
            embed
        )  # they open the full page, not inside the frame
        assert (embed.parent / "index.html").resolve() in {(embed.parent / a.get("href")).resolve() for a in links}
        assert all((embed.parent / a.get("href")).resolve().is_file() for a in links)
        assert tree.xpath("//figcaption") and tree.xpath("//p[@class='embed-cite']")[0].text_content().strip()
        # one heading, the figure's title (a screen reader finds the view's title by it)
        [heading] = tree.xpath("//h1")
        assert heading.xpath("string(.//a[@class='embed-title'])").strip() and heading.getparent().tag == "figcaption"
        weight = fetched_bytes(embed, built_site)
        assert weight < BUDGET, (embed, weight)
        heaviest = max(heaviest, weight)
    assert heaviest > 10_000  # the count saw the image and the font


def test_chinese_in_an_embedded_view_has_a_face_of_its_own(built_site):
    embed = built_site / "zh/figures/return-migrant-tool-types/embed.html"
    text = embed.read_text(encoding="utf-8")
    shown = lxml.html.fromstring(text.encode("utf-8")).xpath("string(//main)")
    chinese = {ch for ch in shown if "\u4e00" <= ch <= "\u9fff"}
    assert len(chinese) > 20
    ranges = re.search(r"unicode-range: ([^;]+);", text).group(1)
    covered = set()
    for part in ranges.split(", "):
        start, _, end = part[2:].partition("-")
        covered |= {chr(c) for c in range(int(start, 16), int(end or start, 16) + 1)}
    assert chinese <= covered
    # the face is WOFF (zlib: a tenth of WOFF2's encoding time), named as such, and holds them all
    url = re.search(r'src: url\("([^"]+)"\) format\("woff"\)', text).group(1)
    assert url.endswith(".woff")
    with TTFont(embed.parent / url) as font:
        assert font.flavor == "woff" and {ord(ch) for ch in chinese} <= set(font.getBestCmap())


def test_figure_and_version_pages_give_the_iframe_snippet(built_site):
    for page in [
        built_site / "figures/return-migrant-tool-types/index.html",
        next((built_site / "zh/figures/return-migrant-tool-types/v").glob("*/index.html")),
    ]:
        tree = lxml.html.fromstring(page.read_bytes())
        code = tree.xpath("//code[@id='embed-code']")[0].text_content()
        frame = lxml.html.fragment_fromstring(code)
        assert frame.tag == "iframe" and int(frame.get("width")) > 0 and int(frame.get("height")) > 0
        url = f"{SITE_URL}/{(page.parent / 'embed.html').relative_to(built_site)}"
        assert frame.get("src") == url
        raw = page.read_text(encoding="utf-8")
        assert "&lt;iframe" in raw and "<iframe" not in raw  # shown as text, not as a frame
        assert urljoin(url, "index.html") == f"{SITE_URL}/{page.relative_to(built_site)}"
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "embed.html" not in sitemap


def test_an_embedded_view_cites_as_its_editions_pages_do(built_site):
    """The Chinese edition's embedded views cited in APA's English while its figure and version
    pages give GB/T 7714 first, as Chinese journals ask."""
    figure = "figures/return-migrant-tool-types/"
    version = next((built_site / "zh" / figure / "v").glob("*/index.html")).parent.relative_to(built_site / "zh")
    for edition, style in (("", "apa"), ("zh/", "gbt7714")):
        for folder in (figure, f"{version}/"):
            page = lxml.html.fromstring((built_site / edition / folder / "index.html").read_bytes())
            embed = lxml.html.fromstring((built_site / edition / folder / "embed.html").read_bytes())
            cited = embed.xpath("string(//p[@class='embed-cite'])").strip()
            assert cited == page.xpath(f"string(//p[@id='{style}'])").strip(), (edition, folder, cited)
    assert "[DS/OL]" in cited  # GB/T 7714's type code for an online dataset
