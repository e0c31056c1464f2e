"""Link previews: every page's Open Graph and Twitter card metadata and canonical URL, read as a
link previewer reads them (extruct for Open Graph, lxml for the rest)."""

import json
from pathlib import Path

import extruct
import lxml.html
import pytest
from PIL import Image

from pilotsite.pages.previews import SITE_CARD

SITE_URL = "https://example.org/policy-pilots"  # data/site.yaml's site_url, which the default build uses


def head_of(page: Path) -> dict:
    """What a previewer finds in a page's <head>: Open Graph properties, Twitter card fields,
    the canonical link and the first heading."""
    html = page.read_bytes()
    og = extruct.extract(html, base_url=f"{SITE_URL}/", syntaxes=["opengraph"], uniform=True)["opengraph"]
    tree = lxml.html.fromstring(html)
    twitter = {m.get("name"): m.get("content") for m in tree.xpath("//head/meta[starts-with(@name, 'twitter:')]")}
    canonical = tree.xpath("//head/link[@rel='canonical']/@href")
    heading = tree.xpath("//h1")
    return {
        "og": og[0] if og else {},
        "twitter": twitter,
        "canonical": canonical,
        "h1": heading[0].text_content().strip() if heading else None,
        "redirect": bool(tree.xpath("//head/meta[@http-equiv='refresh']")),
    }


def site_path(site: Path, url: str) -> Path:
    """The file in the built site that an absolute URL of the site names (a folder's: its index.html)."""
    assert url.startswith(SITE_URL + "/"), url
    path = url[len(SITE_URL) + 1 :]
    return site / (path + "index.html" if path.endswith("/") or not path else path)


def tree_citation_url(page: Path) -> str | None:
    """The address a page's citation gives (Google Scholar's citation_public_url), if it has one."""
    found = lxml.html.fromstring(page.read_bytes()).xpath("//head/meta[@name='citation_public_url']/@content")
    return found[0] if found else None


def test_every_page_has_open_graph_twitter_card_and_canonical_that_resolve(built_site):
    pages = sorted(built_site.rglob("*.html"))
    pages = [p for p in pages if "pagefind" not in p.parts]
    assert len(pages) > 300
    images = set()
    sizes: dict[str, tuple[int, int]] = {}
    versions = 0
    for page in pages:
        found = head_of(page)
        og, twitter = found["og"], found["twitter"]
        assert len(found["canonical"]) == 1, page
        canonical = found["canonical"][0]
        if (
            found["redirect"] or page.name == "embed.html"
        ):  # a redirect names the page it forwards to, an embedded view its full page
            assert site_path(built_site, canonical) != page, page
        else:  # a page is its own canonical
            assert site_path(built_site, canonical) == page, page
        assert site_path(built_site, canonical).is_file(), (page, canonical)
        for name in ("og:title", "og:description", "og:url", "og:image", "og:site_name", "og:locale"):
            assert og.get(name), (page, name)
        assert og["og:url"] == canonical, page
        # an index page is named by its folder, the address its citations give (…/v/<version>/)
        assert not canonical.endswith("/index.html"), (page, canonical)
        # a version's page: the address cited (the Chinese edition's cites the same version, the English address)
        if (
            page.name == "index.html"
            and page.parent.parent.name == "v"
            and "zh" not in page.relative_to(built_site).parts
        ):
            versions += 1
            assert canonical == tree_citation_url(page), (page, canonical)
        if found["h1"] is not None:
            assert og["og:title"] == found["h1"], page  # the title a reader sees on the page
        assert twitter["twitter:card"] == "summary_large_image", page
        assert twitter["twitter:title"] == og["og:title"] and twitter["twitter:image"] == og["og:image"], page
        assert site_path(built_site, og["og:image"]).is_file(), (page, og["og:image"])
        # the image's size, which a preview is laid out at before it arrives (unknown to an embedded view)
        if page.name != "embed.html":
            if og["og:image"] not in sizes:
                with Image.open(site_path(built_site, og["og:image"])) as image:
                    sizes[og["og:image"]] = image.size
            assert (int(og["og:image:width"]), int(og["og:image:height"])) == sizes[og["og:image"]], page
        assert og["og:locale"] == ("zh_CN" if page.relative_to(built_site).parts[0] == "zh" else "en_US"), page
        images.add(og["og:image"])
    assert f"{SITE_URL}/{SITE_CARD}" in images
    assert versions > 100
    assert len(images) > 50  # figures' and versions' own images, not one card for all
    assert len(set(sizes.values())) > 10
    with Image.open(built_site / SITE_CARD) as card:
        assert card.size == (1200, 630)


@pytest.mark.parametrize("edition", ["", "zh/"])
def test_figure_and_version_pages_preview_their_own_image(built_site, edition):
    figures = sorted(
        p.parent for p in (built_site / edition / "figures").glob("*/index.html") if (p.parent / "figure.png").is_file()
    )
    assert len(figures) >= 20
    versions = 0
    for folder in figures:
        for page in [folder / "index.html", *sorted(folder.glob("v/*/index.html"))]:
            found = head_of(page)
            assert site_path(built_site, found["og"]["og:image"]) == page.parent / "figure.png", page
            assert site_path(built_site, found["canonical"][0]) == page, page
        for page in folder.glob("v/*/index.html"):
            versions += 1
            # the version a citation names (in this page's edition) is this page's own address,
            # not the figure's latest
            cited = json.loads((page.parent / "cite.json").read_text(encoding="utf-8"))
            cited = (cited[0] if isinstance(cited, list) else cited)["URL"]
            assert head_of(page)["canonical"][0] == f"{SITE_URL}/{edition}{cited[len(SITE_URL) + 1 :]}", page
    assert versions >= len(figures)


def test_pages_without_a_figure_show_the_site_card_and_robots_names_the_sitemap(built_site):
    for page in ("index.html", "zh/index.html", "documents/index.html", "search/index.html"):
        assert head_of(built_site / page)["og"]["og:image"] == f"{SITE_URL}/{SITE_CARD}", page
    assert (
        head_of(built_site / "zh/index.html")["og"]["og:site_name"]
        != head_of(built_site / "index.html")["og"]["og:site_name"]
    )
    robots = (built_site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {SITE_URL}/sitemap.xml" in robots.splitlines()
    assert (built_site / "sitemap.xml").is_file()
