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
