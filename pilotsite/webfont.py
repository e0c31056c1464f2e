"""A web font for Chinese in pages: Noto Sans CJK SC cut down to the characters the site uses.

Readers without a CJK font would otherwise see empty boxes. The subset holds only the glyphs
the pages need (a few hundred characters, tens of KB) and is cached by that character set.
"""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

from .fingerprint import package_version, write_atomic

FONT_PATH = "assets/fonts/noto-sans-cjk-sc-subset.woff"


def cjk_characters(texts) -> str:
    """Every character at or above the CJK radicals block, sorted, once each."""
    seen = set().union(*(set(text) for text in texts))
    return "".join(sorted(ch for ch in seen if ord(ch) >= 0x2E80))


def subset_font(characters: str, cache_dir: Path) -> bytes:
    from .drawing import cjk_font

    source = cjk_font()
    key = hashlib.sha256(f"{source.name}\n{package_version('fonttools')}\n{characters}".encode()).hexdigest()
    cached = cache_dir / f"{key}.woff"
    if cached.is_file():
        return cached.read_bytes()
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff"  # zlib-compressed; WOFF2 would need brotli
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(source), options)
    try:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(ch) for ch in characters])
        subsetter.subset(font)
        buffer = io.BytesIO()
        subset.save_font(font, buffer, options)
    finally:
        font.close()
    write_atomic(cached, buffer.getvalue())
    for old in cache_dir.glob("*.woff"):
        if old != cached:
            old.unlink()
    return buffer.getvalue()


def write_font(source_dir: Path, extra_text: str, cache_dir: Path) -> int:
    """Write the subset font for every .qmd under source_dir; returns the number of characters."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(source_dir.rglob("*.qmd"))] + [extra_text]
    characters = cjk_characters(texts)
    target = source_dir / FONT_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(subset_font(characters, cache_dir))
    return len(characters)
