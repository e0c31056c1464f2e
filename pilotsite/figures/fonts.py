"""The CJK font used in figures and pages, found without importing matplotlib."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

FONT_FILE = "NotoSansCJKsc-Regular.otf"


@lru_cache(maxsize=1)
def cjk_font() -> Path:
    """Noto Sans CJK SC (SIL OFL 1.1), shipped by the mplfonts wheel in requirements.txt. Found, not
    imported: importing mplfonts imports matplotlib (half a second), which a build that draws no
    figure does not otherwise need."""
    from importlib.util import find_spec

    spec = find_spec("mplfonts")
    path = Path(spec.origin).parent / "fonts" / FONT_FILE if spec is not None and spec.origin else Path(FONT_FILE)
    if not path.is_file():
        raise RuntimeError(
            f"{FONT_FILE} not found in the mplfonts package; reinstall with pip install -r requirements.txt"
        )
    return path


@lru_cache(maxsize=1)
def _glyphs() -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(str(cjk_font())).get_charmap())


def undrawable(text: str) -> list[str]:
    """The characters of text the figures' font has no glyph for (an emoji, a rare character), each
    once, in order: matplotlib would warn and draw an empty box. Line ends and tabs are layout."""
    glyphs = _glyphs()
    return list(dict.fromkeys(c for c in text if c not in "\n\t" and ord(c) not in glyphs))


def describe_characters(characters: list[str]) -> str:
    """'🎉 (U+1F389)', and more, as a message names them."""
    return ", ".join(f"{c} (U+{ord(c):04X})" for c in characters)
