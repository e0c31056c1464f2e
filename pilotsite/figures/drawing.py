"""matplotlib set-up shared by every figure: CJK font, colour-blind-safe palette, same bytes every run."""
from __future__ import annotations

import io
import warnings
from functools import lru_cache

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure  # not pyplot: no global figure state, and a faster import

from pilotsite.figures.fonts import cjk_font
from pilotsite.figures.marks import with_tooltips
from pilotsite.figures.drawn_texts import drawing_for, in_reference_language
from pilotsite.inputs.interface import Interface

# Okabe & Ito (2008), distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


@lru_cache(maxsize=1)
def configure() -> str:
    """Register the CJK font and fix every setting that would make output differ between runs."""
    font = cjk_font()
    font_manager.fontManager.addfont(str(font))
    family = font_manager.FontProperties(fname=str(font)).get_name()
    matplotlib.rcParams.update({
        "font.family": [family],
        "font.size": 10,
        "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "pilotsite",  # ids inside the SVG are otherwise random per run
        "svg.fonttype": "path",  # glyphs as outlines: Chinese renders without the reader having the font
        "path.simplify": True,
        "figure.dpi": 100,
        "savefig.dpi": 150,
    })
    return family


def render(draw, data, size: tuple[float, float], interface: Interface | None = None) -> tuple[bytes, bytes, dict]:
    """Draw one figure and return its SVG and PNG bytes, refusing any font/glyph warning, and its
    marks' tooltips as draw gave them (data row -> string or Text)."""
    configure()
    fig = Figure(figsize=size)
    with drawing_for(interface):
        return _draw(draw, data, fig)


def _draw(draw, data, fig) -> tuple[bytes, bytes, dict]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph must fail the build, not draw tofu
        draw(data, fig)
        svg, png = io.BytesIO(), io.BytesIO()
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
        fig.savefig(png, format="png", metadata={"Software": None}, bbox_inches="tight")
    tips = fig.__dict__.get("mark_tips", {})
    written = {row: in_reference_language(tip) for row, tip in tips.items()}
    return with_tooltips(svg.getvalue(), written), png.getvalue(), tips
