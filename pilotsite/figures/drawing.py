"""matplotlib set-up shared by every figure: CJK font, colour-blind-safe palette, same bytes every run."""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure  # not pyplot: no global figure state, and a faster import
from matplotlib.rcsetup import cycler  # what matplotlib.cycler is

from pilotsite.figures.drawn_texts import drawing_for, in_reference_language
from pilotsite.figures.fonts import cjk_font
from pilotsite.figures.marks import with_tooltips
from pilotsite.figures.pdf import PDF_METADATA, print_png, use_harfbuzz_for_pdf_fonts
from pilotsite.inputs.interface import Interface, Text, Translated

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.transforms import Bbox

# Okabe & Ito (2008), distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


@lru_cache(maxsize=1)
def configure() -> str:
    """Register the CJK font and fix every setting that would make output differ between runs."""
    font = cjk_font()
    font_manager.fontManager.addfont(str(font))
    family = font_manager.FontProperties(fname=str(font)).get_name()
    matplotlib.rcParams.update(
        {
            "font.family": [family],
            "font.size": 10,
            "axes.prop_cycle": cycler(color=PALETTE),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.hashsalt": "pilotsite",  # ids inside the SVG are otherwise random per run
            "svg.fonttype": "path",  # glyphs as outlines: Chinese renders without the reader having the font
            "pdf.fonttype": 42,  # fonts embedded as TrueType/CID, as journals ask (not Type 3); text stays selectable
            "path.simplify": True,
            "text.parse_math": False,  # a $ in a label from the data is a dollar sign, not mathtext
            "figure.dpi": 100,
            "savefig.dpi": 150,
        }
    )
    use_harfbuzz_for_pdf_fonts()
    return family


@dataclass(frozen=True)
class Drawing:
    """A figure's image in every format, and its marks' tooltips as draw gave them (data row ->
    string or Text)."""

    svg: bytes
    png: bytes  # 150 dpi, for the screen
    pdf: bytes  # vector, fonts embedded, for papers
    print_png: bytes  # 300 dpi, rasterised from the PDF, for print
    tips: dict[int, str | Text]


def render(
    draw: Callable[[pd.DataFrame, Figure], None],
    data: pd.DataFrame,
    size: tuple[float, float],
    interface: Interface | None = None,
    names: Mapping[str, Mapping[str, Translated]] | None = None,
) -> Drawing:
    """Draw one figure in every format, refusing any font/glyph warning; names: how the image
    names values of its data (the figure's drawn_names, resolved)."""
    configure()
    fig = Figure(figsize=size)
    with drawing_for(interface, names):
        return _draw(draw, data, fig)


def _draw(draw: Callable[[pd.DataFrame, Figure], None], data: pd.DataFrame, fig: Figure) -> Drawing:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph must fail the build, not draw tofu
        draw(data, fig)
        svg, png, pdf = io.BytesIO(), io.BytesIO(), io.BytesIO()
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
        crops: list[Bbox] = []
        with recorded_crop(fig, crops):
            fig.savefig(png, format="png", metadata={"Software": None}, bbox_inches="tight")
        # the PDF is cropped as the PNG is, without laying the figure out a third time
        crop = crops[-1].padded(matplotlib.rcParams["savefig.pad_inches"])
        fig.savefig(pdf, format="pdf", metadata=PDF_METADATA, bbox_inches=crop)
    tips = fig.__dict__.get("mark_tips", {})
    written = {row: in_reference_language(tip) for row, tip in tips.items()}
    return Drawing(
        with_tooltips(svg.getvalue(), written), png.getvalue(), pdf.getvalue(), print_png(pdf.getvalue()), tips
    )


@contextmanager
def recorded_crop(fig: Figure, crops: list[Bbox]) -> Iterator[None]:
    """Keep the tight bounding box (inches) that savefig(bbox_inches="tight") computes."""
    compute = fig.get_tightbbox

    def recording(*args: Any, **kwargs: Any) -> Bbox:
        box = compute(*args, **kwargs)
        crops.append(box)
        return box

    fig.get_tightbbox = recording  # type: ignore[method-assign]  # an instance attribute: savefig looks it up first
    try:
        yield
    finally:
        del fig.get_tightbbox
