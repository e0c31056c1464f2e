"""Every page of the default site is light: at most 500 KB fetched with an empty cache, fonts
included, counted as bench/page_weight.py counts (Chromium's own count: tests/test_browser.py)."""

from __future__ import annotations

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from page_weight import BUDGET, HEADER_BYTES, Site, pages_of, weigh_page

IMAGES = (".png", ".svg", ".jpg", ".jpeg", ".webp", ".gif")


def weights(built_site, without_images: bool = False) -> dict[str, int]:
    site = Site(built_site)
    found = {}
    for page in pages_of(built_site):
        _, files = weigh_page(site, page)
        kept = [size for path, size in files.items() if not (without_images and path.endswith(IMAGES))]
        found[page] = sum(kept) + len(kept) * HEADER_BYTES
    return found


def test_every_page_without_its_images_is_within_the_budget(built_site):
    """HTML, CSS, scripts and the web-font slices a page needs."""
    over = {page: weight for page, weight in weights(built_site, without_images=True).items() if weight > BUDGET}
    assert not over, over


def test_every_page_is_within_the_budget(built_site):
    """Images included: figure cards show thumbnail.png, not the full figure (the figures index
    shows every figure)."""
    over = {page: weight for page, weight in weights(built_site).items() if weight > BUDGET}
    assert not over, over


def test_a_page_fetches_only_the_font_slices_its_characters_need(built_site):
    site = Site(built_site)
    faces = len(site.stylesheet("assets/fonts/cjk.css").faces)
    _, files = weigh_page(site, "index.html")
    slices = [path for path in files if path.endswith(".woff2")]
    assert 1 <= len(slices) < faces / 4, (len(slices), faces)
    assert not any(path.endswith((".woff", ".ttf", ".otf")) for path in files)


def test_a_comparison_shows_each_version_in_its_lighter_format(built_site):
    """Two images side by side: an SVG with much Chinese text (glyph outlines) can weigh twice its
    PNG (the full corpus's keyword trends: 242 KB against 129 KB), so each is the lighter of the two."""
    import re

    compared = 0
    for page in built_site.glob("figures/*/compare/*/index.html"):
        for src in re.findall(r'<img src="([^"]+)"', page.read_text(encoding="utf-8")):
            shown = (page.parent / src).resolve()
            other = shown.with_suffix(".png" if shown.suffix == ".svg" else ".svg")
            assert shown.stat().st_size <= other.stat().st_size, (page, src)
            compared += 1
    assert compared >= 2
