"""A figure shown inline on its page, so that each mark is a link a reader can click or reach by
keyboard: the link of the data row it shows (figures/marks.py) becomes that row's evidence.

A row's evidence is the first link in its table row that is not merely a document (a quoted
passage, a keyword's contexts, a corpus evidence page); a row without one leads to its own row of
the data table on the page. Bars are put in the order a reader reads them, which is the order
Tab reaches them. The image files published for download are left as they are.
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Iterable
from functools import lru_cache
from html import escape, unescape
from pathlib import Path

from pilotsite.figures import pdf as printing
from pilotsite.figures.marks import MARK_PATTERN
from pilotsite.inputs.documents import HAN_CHARACTER
from pilotsite.state.fingerprint import write_atomic

THUMBNAIL = "thumbnail.png"  # beside figure.png: what figure cards show
THUMBNAIL_WIDTH = 480  # pixels: sharp at the cards' 320 CSS pixels on a 1.5x screen
EMBED_IMAGE = "embed.png"  # beside figure.png: what an embedded view shows when it is wider than a thumbnail
# under .build/cache/: each PNG's thumbnail and embed image, each older PDF's print PNG (ScaledImages)
SCALED_CACHE = "scaled-pngs"
EMBED_WIDTH = 960  # pixels
DOCUMENT_COLUMNS = ("document_id", "document_a", "document_b")  # links to a whole document are not evidence
PROLOGUE = re.compile(r"\A\s*<\?xml[^>]*\?>\s*(<!DOCTYPE[^>]*>\s*)?")
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)  # matplotlib repeats every text as a comment: bytes only
METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
TITLED_MARK = re.compile(MARK_PATTERN.pattern + r"(<title>.*?</title>)?", re.DOTALL)  # a mark's link and its tooltip
# matplotlib's space glyph has no d, which HTML requires. Lazy: a glyph's d holds kilobytes, which
# a greedy [^>]* ran through and then back over, for every path (most of inline_chart's time).
EMPTY_GLYPH = re.compile(r"<path (?![^>]*?\bd=)")
# A bar as matplotlib writes it, a mark: its patch group around its link and its rectangle, whose
# path's first three corners give its extent (in_reading_order).
BAR = re.compile(
    r'<g id="patch_\d+">\s*<a\b[^>]*>(?:<title>.*?</title>)?\s*<path d="M (-?[\d.]+) (-?[\d.]+)'
    r'\s+L (-?[\d.]+) (-?[\d.]+)\s+L (-?[\d.]+) (-?[\d.]+)\s[^"]*"[^>]*/>\s*</a>\s*</g>',
    re.DOTALL,
)
BARS = re.compile(rf"(?:{BAR.pattern}\s*){{2,}}", re.DOTALL)  # bars one after another


LATIN_LETTER = re.compile("[A-Za-z]")


def wholly_foreign(text: str, page_language: str) -> str:
    """' lang="en"' for a text of Latin letters without a Han character on a Chinese page, ' lang="zh"'
    for one of Han characters without a Latin letter on an English page, else nothing: a text of
    both is left in the page's language, as its parts cannot be marked apart."""
    han, latin = HAN_CHARACTER.search(text) is not None, LATIN_LETTER.search(text) is not None
    if page_language == "zh" and latin and not han:
        return ' lang="en"'
    if page_language == "en" and han and not latin:
        return ' lang="zh"'
    return ""


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header (IHDR)."""
    return struct.unpack(">II", png[16:24])


def scaled_size(width: int, height: int, most: int) -> tuple[int, int]:
    """The size scaled_pngs gives an image of width x height pixels at `most` pixels wide at most."""
    return (most, round(height * most / width)) if width > most else (width, height)


class ScaledImages:
    """The images every figure and version page carries that are made from another: each figure
    PNG's thumbnail and embed image (scaled_pngs), and an older version's 300 dpi PNG, rasterised
    from its PDF (figures/pdf.print_png; the current version's comes with its drawing).

    With a cache folder, files() and printed() name them there at once, by their source's digest
    (and the versions of what makes them), and make_missing() makes those not yet made, all
    together: the build makes them where a core is free (pages/editions.py), and a later build
    finds them made (scaling every version's images again took about a quarter of a one-edit
    rebuild, rasterising the older versions' PDFs again a sixth). Never pruned: each source is
    some figure version's, and versions stay published. Without a cache folder, they give the
    bytes."""

    def __init__(self, cache_dir: Path | None = None):
        self.cache_dir = cache_dir
        # first path -> (the paths, the source, what makes them: "scaled" or "printed")
        self.wanted: dict[Path, tuple[tuple[Path, ...], bytes, str]] = {}

    def files(self, png: bytes) -> tuple[bytes | Path, bytes | Path]:
        if self.cache_dir is None:
            return scaled_pngs(png)
        from PIL import __version__ as pillow

        key = hashlib.sha256(f"scaled 1 {pillow} {THUMBNAIL_WIDTH} {EMBED_WIDTH}\n".encode() + png).hexdigest()
        paths = (self.cache_dir / f"{key}-{THUMBNAIL}", self.cache_dir / f"{key}-{EMBED_IMAGE}")
        self.wanted.setdefault(paths[0], (paths, png, "scaled"))
        return paths

    def printed(self, pdf: bytes) -> bytes | Path:
        """The print PNG of a version's PDF."""
        if self.cache_dir is None:
            return printing.print_png(pdf)
        from PIL import __version__ as pillow

        from pilotsite.state.fingerprint import package_version

        made_by = f"printed 1 {package_version('pypdfium2')} {pillow} {printing.PRINT_DPI}\n"
        path = self.cache_dir / f"{hashlib.sha256(made_by.encode() + pdf).hexdigest()}-print.png"
        self.wanted.setdefault(path, ((path,), pdf, "printed"))
        return path

    def make_missing(self, from_last: bool = False) -> None:
        """Make every image named that is not in the cache folder yet. Two processes can share the
        work, one from the first and one from the last (from_last), each skipping what the other
        has made; where they meet both may make one, to the same bytes."""
        wanted = list(self.wanted.values())
        for paths, source, kind in reversed(wanted) if from_last else wanted:
            if not all(path.is_file() for path in paths):
                made = scaled_pngs(source) if kind == "scaled" else (printing.print_png(source),)
                for path, data in zip(paths, made, strict=True):
                    write_atomic(path, data)
        self.wanted.clear()


@lru_cache(maxsize=256)
def scaled_pngs(png: bytes) -> tuple[bytes, bytes]:
    """The PNG at THUMBNAIL_WIDTH pixels at most, for cards (a page of cards would otherwise
    fetch every full image, up to 110 KB each), and at EMBED_WIDTH, the width of an embedded view
    (pages/embeds.py); in 128 colours, from one decoding. Pillow's output depends only on its
    version and the input (so each edition's page takes the one made for the first). Saved
    without Pillow's `optimize` pass: it would make them 7 % smaller at three times the encoding
    time, and every version page has both."""
    import io

    from PIL import Image

    scaled = []
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        for width in (THUMBNAIL_WIDTH, EMBED_WIDTH):
            sized = (
                image.resize(scaled_size(image.width, image.height, width), Image.Resampling.LANCZOS)
                if image.width > width
                else image
            )
            small = (
                sized.convert("P", palette=Image.Palette.ADAPTIVE, colors=128)
                if sized.mode in ("RGB", "RGBA")
                else sized
            )
            out = io.BytesIO()
            small.save(out, format="PNG")
            scaled.append(out.getvalue())
    return scaled[0], scaled[1]


def row_anchor(position: int) -> str:
    """The id of a data row (from 0) in the table under the figure."""
    return f"row-{position + 1}"


def evidence_hrefs(columns: tuple[str, ...], rows: Iterable[tuple[tuple[str, str], ...]]) -> list[str]:
    """The evidence link of each table row (cells as (text, href)), or the row's own anchor."""
    found = []
    for position, cells in enumerate(rows):
        hrefs = [
            href for column, (_, href) in zip(columns, cells, strict=False) if href and column not in DOCUMENT_COLUMNS
        ]
        found.append(hrefs[0] if hrefs else f"#{row_anchor(position)}")
    return found


def in_reading_order(run: re.Match[str]) -> str:
    """Bars drawn one after another, in the order a reader reads them, which is the order Tab
    reaches their links: matplotlib draws a horizontal bar chart's first row at the bottom, so
    Tab went from the bottom bar up. Vertical bars (all standing on one horizontal line, their
    zero) go left to right; others (horizontal bars, stacked or not, a timeline's spans) row by
    row from the top, each row left to right. Bars do not overlap: the image is the same."""
    text = run.group(0)
    bars = list(BAR.finditer(text))  # two at least (BARS)
    corners = [[float(v) for v in bar.groups()] for bar in bars]
    xs = [(min(c[0::2]), max(c[0::2])) for c in corners]  # each bar's left and right
    ys = [(min(c[1::2]), max(c[1::2])) for c in corners]  # its top and bottom

    def on_one_line(ends: list[tuple[float, float]]) -> bool:
        return any(all(min(abs(end - line) for end in pair) < 0.01 for pair in ends) for line in ends[0])

    if on_one_line(ys) and not on_one_line(xs):
        order = sorted(range(len(bars)), key=lambda n: (xs[n][0], ys[n][0], n))
    else:
        order = sorted(range(len(bars)), key=lambda n: (round(ys[n][0], 2), xs[n][0], n))
    between = text[bars[0].end() : bars[1].start()]  # the white space between two bars
    return between.join(bars[n].group(0) for n in order) + text[bars[-1].end() :]


def inline_chart(svg: bytes, hrefs: list[str], tips: dict[int, str] | None = None, page_language: str = "") -> str:
    """The figure's SVG as markup for the page: each mark's link resolved to its row's evidence,
    and its tooltip (the link's name) the one in tips, for a page in another language than
    figure.svg's. A tooltip wholly in the other edition's script (a timeline's event, which the data
    give in English alone, on a Chinese page) has its link say so (wholly_foreign), as a <title>
    can hold no <span lang>. No role=img (it would hide the links inside from screen readers): the <figure>
    around it is named by its caption and described by the alt text."""
    text = METADATA.sub("", COMMENT.sub("", PROLOGUE.sub("", svg.decode("utf-8"), count=1)), count=1)
    text = EMPTY_GLYPH.sub('<path d="" ', text)

    def resolved(match: re.Match[str]) -> str:
        position = int(match.group(1)) - 2
        href = hrefs[position] if 0 <= position < len(hrefs) else ""
        title = f"<title>{escape(tips[position])}</title>" if tips and position in tips else match.group(2) or ""
        marked = wholly_foreign(unescape(title.removeprefix("<title>").removesuffix("</title>")), page_language)
        return (f'<a href="{escape(href)}"{marked}>' if href else f"<a{marked}>") + title

    text = BARS.sub(in_reading_order, TITLED_MARK.sub(resolved, text))
    opening = re.match(r"<svg\b", text)
    if opening is None:
        raise ValueError("not an SVG image")
    return '<svg class="chart"' + text[opening.end() :]
