"""The CJK web font's slices (pilotsite/pages/webfont.py): each character in exactly one slice,
most used first, slices that stay put when a character is added, and subsets whose bytes depend
only on their own characters."""

from __future__ import annotations

import io
import random
import time

from pilotsite.pages import webfont

# Characters of the default site's pages, from common to rare.
SAMPLE = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自"
    "二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日"
    "那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变"
    "条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
    "几九区强放决西被干做必战先回则任取据处理府研质"
)


def use_of(text: str) -> dict[str, int]:
    """A page count for each character: the earlier in text, the more pages."""
    return {ch: max(1, 3000 >> (index // 40)) for index, ch in enumerate(dict.fromkeys(text))}


def test_every_character_is_in_one_slice_most_used_first_and_slices_are_bounded():
    use = use_of(SAMPLE)
    outside = set(SAMPLE[:20] + SAMPLE[-5:])
    slices = webfont.slice_characters(use, outside)
    assert sorted("".join(slices)) == sorted(use)  # each character once
    assert all(1 <= len(s) <= webfont.MOST_IN_SLICE for s in slices)
    # one tier per slice: characters of pages outside the corpus first, then by page count
    tiers = [{(ch in outside, use[ch].bit_length()) for ch in s} for s in slices]
    assert all(len(t) == 1 for t in tiers)
    keys = [t.pop() for t in tiers]
    assert keys == sorted(keys, reverse=True)


def test_a_characters_use_counts_each_page_showing_it_once_in_its_text_or_its_layout():
    chooser = random.Random(7)
    pool = SAMPLE + "𠀀𪚥"  # and two characters outside the Basic Multilingual Plane
    layouts = {"en/": set(SAMPLE[:30]), "": set(SAMPLE[20:60] + "𠀀")}
    pages = {
        f"{edition}page-{n}": "".join(sorted(set(chooser.sample(pool, chooser.randrange(0, 80)))))
        for n in range(300)
        for edition in ("en/", "")
    }

    def edition(page: str) -> str:
        return "en/" if page.startswith("en/") else ""

    expected: dict[str, int] = {}  # counted page by page, as a reader's browser would see them
    for page, characters in pages.items():
        for ch in set(characters) | layouts[edition(page)]:
            expected[ch] = expected.get(ch, 0) + 1
    assert webfont.character_use(pages, layouts, edition) == expected
    assert webfont.character_use({}, layouts, edition) == {}  # no page shows the layout


def test_adding_or_removing_a_character_changes_at_most_two_slices():
    use = use_of(SAMPLE)
    before = set(webfont.slice_characters(use, set()))
    rng = random.Random(15)
    for _ in range(20):
        changed = dict(use)
        if rng.random() < 0.5:
            changed[chr(0x4E00 + rng.randrange(20000))] = rng.choice([1, 2, 5, 300])
        else:
            del changed[rng.choice(sorted(changed))]
        after = set(webfont.slice_characters(changed, set()))
        assert len(before - after) <= 2 and len(after - before) <= 3, (len(before - after), len(after - before))


def test_each_character_of_a_subset_draws_the_glyph_of_the_whole_font():
    """harfbuzz cuts the subsets (pilotsite/pages/webfont.py): each character asked for must keep
    its own outline and advance, or readers see wrong characters."""
    from fontTools.pens.recordingPen import DecomposingRecordingPen
    from fontTools.ttLib import TTFont

    from pilotsite.figures.fonts import cjk_font

    def drawn(font, character):
        glyphs = font.getGlyphSet()
        name = font.getBestCmap()[ord(character)]
        pen = DecomposingRecordingPen(glyphs)
        glyphs[name].draw(pen)
        return pen.value, font["hmtx"][name][0]

    characters = SAMPLE[40:60] + "，。（）A1"
    with (
        TTFont(io.BytesIO(webfont.subset_font(characters, flavor=None))) as part,
        TTFont(cjk_font(), lazy=True) as whole,
    ):
        assert set(part.getBestCmap()) == {ord(ch) for ch in characters}
        for character in characters:
            assert drawn(part, character) == drawn(whole, character), character
    assert webfont.subset_font(SAMPLE[:3])[:4] == b"wOF2"
    first = webfont.subset_font(SAMPLE[:30])
    time.sleep(1.1)  # a font's head table has a modification time: it must not be the clock's
    assert webfont.subset_font(SAMPLE[:30]) == first  # the same bytes each time


def test_subsets_are_woff2_with_every_glyph_asked_for(tmp_path):
    from fontTools.ttLib import TTFont

    parts = ["的一是", "在不了有和"]
    fonts = webfont.subset_fonts(parts, tmp_path)
    assert fonts == webfont.subset_fonts(parts, tmp_path)  # from the cache now
    for part, data in zip(parts, fonts, strict=True):
        font = TTFont(io.BytesIO(data))
        assert font.flavor == "woff2" and {ord(ch) for ch in part} <= set(font.getBestCmap())
        assert "vmtx" not in font and "GSUB" in font


def test_unicode_range_merges_consecutive_code_points():
    assert webfont.unicode_range("一丁七丈") == "U+4E00-4E01, U+4E03, U+4E08"


def test_a_page_gets_a_face_of_its_own_only_for_its_least_used_slices():
    slices = ["一二三四", "五六七八", "甲乙丙丁"]
    sizes = [100, 100, 100]
    page = "一二三四五甲"  # all of the first slice, one character of each of the others
    assert webfont.own_characters(page, slices, sizes, budget=300) == ""  # within the budget
    # over it: the slices the page uses least go first, until the rest and the own face fit
    assert webfont.own_characters(page, slices, sizes, budget=250) == "五"
    assert webfont.own_characters(page, slices, sizes, budget=200) == "五甲"


def test_pages_with_a_face_of_their_own_fetch_it_instead_of_the_slices_it_replaces(built_site):
    import re
    import sys

    from conftest import ROOT

    sys.path.insert(0, str(ROOT / "bench"))
    from page_weight import BUDGET, Site, weigh_page

    site = Site(built_site)
    pages = [p for p in built_site.rglob("*.html") if webfont.OWN_FAMILY in p.read_text(encoding="utf-8")]
    assert pages, "no page of the default site gets a face of its own (the heaviest corpus texts should)"
    for path in pages:
        html = path.read_text(encoding="utf-8")
        style = re.search(r"<style>.*?</style>", html, re.S).group(0)
        assert html.index(style) < html.index("</head>") and 'body { --font: "Pilot Site CJK own"' in style
        font = re.search(r'url\("([^"]+)"\)', style).group(1)
        assert (path.parent / font).resolve().is_file()
        page = path.relative_to(built_site).as_posix()
        weight, files = weigh_page(site, page)
        assert weight <= BUDGET and any("/own-" in f for f in files)


def test_a_pages_own_face_leaves_its_search_index_as_it_was(built_site, tmp_path):
    """The build keys a page's search bundle by its HTML before its own face was added
    (pipeline.render: search_keys), so pages whose own face changes (slices re-cut as the corpus
    grows) keep their cached bundle. That holds only if Pagefind's output does not depend on the
    <style> in the head: it must be byte for byte the same with and without it."""
    import filecmp
    import re

    from pilotsite.publishing import search

    page = next(p for p in sorted(built_site.rglob("*.html")) if webfont.OWN_FAMILY in p.read_text(encoding="utf-8"))
    html = page.read_text(encoding="utf-8")
    without = re.sub(r"<style>/\* this page's rarest characters.*?</style>\n", "", html, flags=re.S)
    assert without != html
    bundles = []
    for name, text in (("with", html), ("without", without)):
        site = tmp_path / name
        (site / "p").mkdir(parents=True)
        (site / "p/index.html").write_text(text, encoding="utf-8")
        search.run_pagefind(site, "pagefind", ["p/index.html"])
        bundles.append(site / "pagefind")
    files = sorted(p.relative_to(bundles[0]).as_posix() for p in bundles[0].rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(bundles[1]).as_posix() for p in bundles[1].rglob("*") if p.is_file())
    assert any(f.startswith("fragment/") for f in files)
    _, mismatch, errors = filecmp.cmpfiles(bundles[0], bundles[1], files, shallow=False)
    assert not mismatch and not errors


def test_woff2_is_compressed_at_the_chosen_quality():
    """fontTools takes no Brotli quality: the slices are written at WOFF2_QUALITY (10, not Brotli's
    default 11), and they decode to the very font that was cut."""
    import brotli
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.woff2 import WOFF2Reader

    characters = SAMPLE[:120]
    woff2 = webfont.subset_font(characters)
    sfnt = webfont.subset_font(characters, flavor=None)
    tables = WOFF2Reader(io.BytesIO(woff2)).transformBuffer.getvalue()  # the Brotli stream, decompressed
    assert brotli.compress(tables, mode=brotli.MODE_FONT, quality=webfont.WOFF2_QUALITY) in woff2
    assert brotli.compress(tables, mode=brotli.MODE_FONT) not in woff2  # Brotli's default quality, 11
    with TTFont(io.BytesIO(woff2)) as read, TTFont(io.BytesIO(sfnt)) as cut:
        tags = sorted(cut.keys())  # a TTFont is no dict: keys() lists its tables
        assert sorted(read.keys()) == tags
        for tag in tags:
            if tag != "GlyphOrder":
                ours, theirs = read.getTableData(tag), cut.getTableData(tag)
                if (
                    tag == "head"
                ):  # but for the whole file's checksum (bytes 8-11) and flags (16-17: WOFF2 marks the font converted)
                    ours, theirs = ours[:8] + ours[12:16] + ours[18:], theirs[:8] + theirs[12:16] + theirs[18:]
                assert ours == theirs, tag


def test_characters_the_font_lacks_are_in_no_slice():
    """An emoji or an ideograph beyond the font in a page: no unicode-range names it, as the
    slice it would be in cannot draw it (the browser takes another font for it anyway)."""
    from fontTools.ttLib import TTFont

    from pilotsite.figures.fonts import cjk_font

    mapped = set(TTFont(str(cjk_font()), lazy=True, fontNumber=0).getBestCmap())
    lacking = "🎉\U00020000\U0002a6a5"
    assert not any(ord(c) in mapped for c in lacking)
    characters = webfont.cjk_characters([f"政策{lacking}试点", "〇、。"])
    assert characters == "".join(sorted("政策试点〇、。"))
    assert webfont.unicode_range(characters) == webfont.unicode_range("".join(sorted("政策试点〇、。")))
    assert all(ord(c) in mapped for c in characters)
