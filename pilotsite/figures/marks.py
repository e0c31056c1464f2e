"""Marks that link to their evidence: each bar, point or label of a figure names the data row it
shows, and the pages that show the figure turn that into a link to the row's evidence (a quoted
passage, a keyword's contexts, a corpus evidence page), with the mark's label and value as its
tooltip. Imports no matplotlib: analyses name link_marks while declaring figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, SupportsInt
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from matplotlib.artist import Artist

    from pilotsite.inputs.interface import Text

# A mark's link in the SVG names the data row it shows, as an RFC 7111 fragment of data.csv, which
# sits beside figure.svg wherever the figure is published: line 1 is the header, so the data row at
# position i (from 0) is row i + 2. Pages showing the figure replace it by the row's evidence.
MARK_LINK = "data.csv#row={}"
MARK_PATTERN = re.compile(r'<a xlink:href="data\.csv#row=(\d+)"[^>]*>')  # matplotlib adds target="_blank"


def link_marks(artists: Iterable[Artist], rows: Iterable[SupportsInt], tips: Iterable[str | Text]) -> None:
    """Make each mark (a bar, patch, point or text of the figure) a link to the evidence of the
    data row it shows, with a tooltip; rows are positions in the data the figure was drawn from
    (its index: draw is given data indexed 0, 1, …), tips say what the mark is and its exact value:
    a string, or a Text of the catalogues' axis.* keys, which figure.svg has in the reference
    language and each edition's page in its own."""
    artists, rows, tips = list(artists), list(rows), list(tips)
    if not len(artists) == len(rows) == len(tips):
        raise ValueError(f"link_marks: {len(artists)} marks, {len(rows)} rows and {len(tips)} tips")
    for artist, row, tip in zip(artists, rows, tips, strict=False):
        artist.set_url(MARK_LINK.format(int(row) + 2))
        figure = artist.figure
        figure.__dict__.setdefault("mark_tips", {})[int(row)] = tip


def with_tooltips(svg: bytes, tips: dict[int, str]) -> bytes:
    """An SVG <title> as the first child of every mark's link: the tooltip, and the link's name
    for screen readers and keyboard users."""

    def titled(match: re.Match[str]) -> str:
        tip = tips.get(int(match.group(1)) - 2)
        return match.group(0) + (f"<title>{escape(tip)}</title>" if tip else "")

    return MARK_PATTERN.sub(titled, svg.decode("utf-8")).encode("utf-8")
