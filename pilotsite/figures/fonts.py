"""The CJK font used in figures and pages, found without importing matplotlib."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

FONT_FILE = "NotoSansCJKsc-Regular.otf"


@lru_cache(maxsize=1)
def cjk_font() -> Path:
    """Noto Sans CJK SC (SIL OFL 1.1), shipped by the mplfonts wheel in requirements.txt."""
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / FONT_FILE
    if not path.is_file():
        raise RuntimeError(
            f"{FONT_FILE} not found in the mplfonts package; reinstall with pip install -r requirements.txt"
        )
    return path
