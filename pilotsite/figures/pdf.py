"""The print downloads of a figure: a vector PDF with its fonts embedded, and a 300 dpi PNG.

Journals ask for fonts embedded as TrueType/CID fonts (matplotlib's pdf.fonttype 42), not as
Type 3 procedures, and for text that can be selected and searched. matplotlib subsets each font
it embeds with fontTools, which takes 0.6 s per font for the 16 MB Noto Sans CJK: a figure's
PDF would cost more than drawing the figure. harfbuzz's subsetter (uharfbuzz, already used for
the web fonts) makes the same subset in milliseconds, so matplotlib is given it instead: the
function it calls, _backend_pdf_ps.get_glyphs_subset, is replaced by one with the same contract
(the subset as a fontTools font, and each requested glyph's new index). matplotlib is pinned in
requirements.txt, and tests/test_downloads.py checks the embedded fonts' glyphs against the
font's own, so a change inside matplotlib fails a test rather than a reader's print.

The 300 dpi PNG is the PDF rasterised by PDFium (pypdfium2): four times the pixels of an Agg
redraw cost more than the figure itself, and the PNG then shows exactly what the PDF prints.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import uharfbuzz
    from matplotlib.backends._backend_pdf_ps import SubsetResults
    from matplotlib.font_manager import FontPath
    from matplotlib.ft2font import GlyphIndexType

PRINT_DPI = 300
PDF_METADATA = {
    "CreationDate": None,
    "Creator": None,
    "Producer": None,
}  # no clock, no versions: the same bytes every run


@lru_cache(maxsize=4)
def _face(path: str, index: int) -> uharfbuzz.Face:
    import uharfbuzz

    return uharfbuzz.Face(uharfbuzz.Blob.from_file_path(path), index)


@contextmanager
def harfbuzz_glyphs_subset(fontfile: FontPath, glyphs: set[GlyphIndexType]) -> Iterator[SubsetResults]:
    """matplotlib's get_glyphs_subset (fontfile: a FontPath; glyphs: glyph indices), by harfbuzz."""
    import uharfbuzz
    from fontTools.ttLib import TTFont
    from matplotlib.backends import _backend_pdf_ps

    wanted = uharfbuzz.SubsetInput()
    wanted.glyph_set.update(glyphs)
    wanted.flags = uharfbuzz.SubsetFlags.NO_HINTING | uharfbuzz.SubsetFlags.GLYPH_NAMES
    plan = uharfbuzz.SubsetPlan(_face(str(fontfile), getattr(fontfile, "face_index", 0)), wanted)
    subset = plan.execute()
    # recalcTimestamp=False: matplotlib saves this font into the PDF, and must not stamp today's date on it
    font = TTFont(io.BytesIO(bytes(subset.blob.data)), recalcTimestamp=False)
    with font:
        yield _backend_pdf_ps.SubsetResults(font, dict(plan.old_to_new_glyph_mapping))


def use_harfbuzz_for_pdf_fonts() -> None:
    from matplotlib.backends import _backend_pdf_ps

    _backend_pdf_ps.get_glyphs_subset = harfbuzz_glyphs_subset


@lru_cache(maxsize=64)  # a version's page in each edition
def print_png(pdf: bytes, dpi: int = PRINT_DPI) -> bytes:
    """The PDF's first page as a PNG at dpi, which the file records (a word processor then
    places it at the figure's size)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        # rev_byteorder: PDFium's pixels in RGB order, which Pillow takes without converting them
        image = document[0].render(scale=dpi / 72, rev_byteorder=True).to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image = image.convert("RGB") if image.mode != "RGB" else image
    # zlib level 1: a third less encoding time than the default 6 for 10 % more bytes, on an image
    # of some 200 KB that every figure redraw makes
    image.save(out, format="PNG", dpi=(dpi, dpi), compress_level=1)
    return out.getvalue()
