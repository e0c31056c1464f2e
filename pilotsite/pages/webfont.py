"""Web fonts for Chinese in pages: Noto Sans CJK SC cut down to the characters the site uses.

Readers without a CJK font would otherwise see empty boxes. Two subsets: a small core with the
characters of the documents, figures and navigation (preloaded by every page), and the rest,
used by the corpus texts, which browsers fetch only for pages that contain such characters
(each @font-face lists its exact characters in unicode-range). Subsets are cached by their
character sets.
"""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

from pilotsite.state.fingerprint import package_version, write_atomic
from pilotsite.figures.fonts import FONT_FILE, cjk_font

CORE_FONT = "assets/fonts/noto-sans-cjk-sc-core.woff"
MORE_FONT = "assets/fonts/noto-sans-cjk-sc-more.woff"
FONT_CSS = "assets/fonts/cjk.css"
FAMILY = "Pilot Site CJK"


def cjk_characters(texts) -> str:
    """Every character at or above the CJK radicals block, sorted, once each (texts are taken
    one at a time: a large corpus has tens of thousands of pages)."""
    seen: set[str] = set()
    for text in texts:
        seen.update(text)
    return "".join(sorted(ch for ch in seen if ord(ch) >= 0x2E80))


def cache_name(characters: str) -> str:
    return hashlib.sha256(f"{FONT_FILE}\n{package_version('fonttools')}\n{characters}".encode()).hexdigest() + ".woff"


def subset_font(characters: str, cache_dir: Path) -> bytes:
    cached = cache_dir / cache_name(characters)
    if cached.is_file():
        return cached.read_bytes()
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff"  # zlib-compressed; WOFF2 would need brotli
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(cjk_font()), options)
    try:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(ch) for ch in characters])
        subsetter.subset(font)
        buffer = io.BytesIO()
        subset.save_font(font, buffer, options)
    finally:
        font.close()
    write_atomic(cached, buffer.getvalue())
    return buffer.getvalue()


def unicode_range(characters: str) -> str:
    """CSS unicode-range for exactly these characters, consecutive code points merged."""
    points = sorted(ord(ch) for ch in characters)
    runs, start = [], None
    for index, point in enumerate(points):
        if start is None:
            start = point
        if index + 1 == len(points) or points[index + 1] != point + 1:
            runs.append(f"U+{start:X}" if start == point else f"U+{start:X}-{point:X}")
            start = None
    return ", ".join(runs)


def font_face(url: str, characters: str) -> str:
    # block, not swap: the fallback has no CJK glyphs at all, so a brief wait beats empty boxes
    return (f'@font-face {{\n  font-family: "{FAMILY}";\n  src: url("{url}") format("woff");\n'
            f"  font-display: block;\n  unicode-range: {unicode_range(characters)};\n}}\n")


def page_characters(source_dir: Path, source_keys: dict[str, str | None], cache_dir: Path,
                    known: dict[str, str] | None = None) -> dict[str, str]:
    """The CJK characters of each page's .qmd (source_keys: every page path without .qmd -> its
    source key or None); a page whose source key is known is looked up in
    cache_dir/characters.json, or in known (page -> characters, from the stage that made it),
    instead of read."""
    from pilotsite.state.caching import KeyedMemo

    memo = KeyedMemo(cache_dir / "characters.json")
    known = known or {}
    found = {}
    for page in sorted(source_keys):  # this build's pages (the folder may still hold an earlier build's)
        key = source_keys[page]
        characters = (memo.saved[key] if key in memo.saved else known[page] if page in known
                      else cjk_characters([(source_dir / f"{page}.qmd").read_text(encoding="utf-8")]))
        found[page] = characters
        if key:
            memo.keep(key, characters)
    memo.save()
    return found


def write_font(source_dir: Path, extra_text: str, cache_dir: Path, source_keys: dict[str, str | None],
               known: dict[str, str] | None = None) -> list[Path]:
    """Write the core and extra subsets and their CSS for the .qmd pages under source_dir;
    returns the files written."""
    from pilotsite.state.caching import put_bytes

    pages = page_characters(source_dir, source_keys, cache_dir, known)
    core = cjk_characters([chars for page, chars in pages.items() if not page.startswith("corpus/")] + [extra_text])
    core_set = set(core)
    # The second subset holds every character of the corpus pages, core ones included, so that it
    # changes only when they do (subsetting thousands of glyphs takes seconds); its unicode-range
    # leaves out the core's characters, which browsers take from the core subset.
    corpus = cjk_characters(chars for page, chars in pages.items() if page.startswith("corpus/"))
    more = "".join(ch for ch in corpus if ch not in core_set)
    css = "/* Generated by the build (pilotsite/pages/webfont.py): Noto Sans CJK SC subsets, SIL OFL 1.1 (OFL.txt). */\n"
    (source_dir / CORE_FONT).parent.mkdir(parents=True, exist_ok=True)
    put_bytes(source_dir / CORE_FONT, subset_font(core, cache_dir))
    written = [source_dir / CORE_FONT, source_dir / FONT_CSS]
    css += font_face(Path(CORE_FONT).name, core)
    if more:
        put_bytes(source_dir / MORE_FONT, subset_font(corpus, cache_dir))
        written.append(source_dir / MORE_FONT)
        css += font_face(Path(MORE_FONT).name, more)
    put_bytes(source_dir / FONT_CSS, css.encode("utf-8"))
    keep = {cache_name(core), cache_name(corpus)}
    for old in cache_dir.glob("*.woff"):
        if old.name not in keep:
            old.unlink()
    return written
