"""Embedded views: a figure, or one version of it, shown inside another site's page.

Each figure page and each version page has a chrome-less twin, embed.html in the same folder
(site/layouts/embed.html.j2: no header, navigation, search or footer): the image, its title and
caption, one citation line and a link back to the full page, which opens in the top window. The
figure page shows the <iframe> snippet that embeds it, tall enough for all of it (view_height).
An embedded view fetches under EMBED_BUDGET bytes with its assets: a PNG at its width (srcset), a
small stylesheet of its own (site/assets/embed.css, not the site's), and, for its Chinese, a
web-font face holding exactly its characters (webfont.add_own_faces) instead of the site's slices.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import cast

from pilotsite.pages.charts import EMBED_IMAGE, EMBED_WIDTH, THUMBNAIL, ScaledImages, png_size, scaled_size
from pilotsite.pages.model import EDITIONS, EmbedContext, Page, SiteModel

EMBED = "embed"  # the view's name beside the full page: <folder>/embed.html
EMBED_LAYOUT = "embed.html.j2"
EMBED_BUDGET = 100_000  # bytes an embedded view fetches, its image, stylesheet and font included
SNIPPET_WIDTH = 640  # CSS pixels of the <iframe> the snippet proposes

# The embedded view's layout (site/assets/embed.css), in CSS pixels, which the snippet's height
# must hold at SNIPPET_WIDTH: else the frame scrolls and hides the link back to the full page.
VIEW_PADDING = 8  # the body's padding (.5rem) on each side
TEXT_WIDTH = SNIPPET_WIDTH - 2 * VIEW_PADDING
CAPTION_SIZE, SMALL_SIZE = 15, 16 * 0.85  # the title and caption (15px); the citation and links (.85rem)
GAP = 8  # above the caption, the citation and the links (.5rem)
LINE_HEIGHT = {"en": 1.5, "zh": 1.7}  # :lang(zh) lines are taller
# Widths of characters in ems, on the safe side, as the view's fonts differ from one reader's
# system to another's: a Han character or a full-width sign is one em wide; other letters, digits
# and signs average half an em in the sans-serif fonts it names (0.50-0.53 in DejaVu Sans, one of
# the widest), the title's bold 0.56-0.65.
WIDE_EM, NARROW_EM, BOLD_EM = 1.0, 0.56, 0.66
# Where a line may break: after spaces, and before and after each wide character (Han, CJK signs
# and full-width forms).
WIDE = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
BREAKS = re.compile(rf"\s+|[{WIDE}]|[^\s{WIDE}]+")


def embed_files(png: bytes, scaled: ScaledImages | None = None) -> tuple[tuple[str, bytes | Path], ...]:
    """The images an embedded view shows, beside the page's figure.png (figure cards show the
    thumbnail too): the bytes, or with a cache the files that scaled.make_missing makes."""
    thumbnail, embedded = (scaled or ScaledImages()).files(png)
    return ((THUMBNAIL, thumbnail), (EMBED_IMAGE, embedded))


def embed_page(
    model: SiteModel,
    folder: str,
    *,
    title: str,
    caption: str,
    alt: str,
    lang: str,
    citation: str,
    png: bytes,
    root: str,
    title_words: str = "",
) -> Page:
    """The embedded view of the figure or version whose page is folder/index (folder within the
    edition, ending in /); root: the relative prefix from there to the edition's root."""
    width, height = scaled_size(*png_size(png), EMBED_WIDTH)  # the size of its embed.png
    return Page(
        f"{folder}{EMBED}",
        "embed.qmd.j2",
        title,
        lang,
        caption,
        (),
        EmbedContext(
            title=title,
            caption=caption,
            alt=alt,
            lang=lang,
            citation=citation,
            image=EMBED_IMAGE,
            width=width,
            height=height,
            full_href="index.html",
            site_href=f"{root}index.html",
        ),
        layout=EMBED_LAYOUT,
        title_words=title_words,
    )


def em_width(text: str, narrow: float = NARROW_EM) -> float:
    """The width of text in ems, on the safe side (WIDE_EM, and narrow for other characters)."""
    return sum(WIDE_EM if re.match(f"[{WIDE}]", ch) else narrow for ch in text)


def text_lines(parts: Sequence[tuple[str, float]], size: float, width: float = TEXT_WIDTH) -> int:
    """The lines that the texts of parts, one after the other, take at most in a block width
    pixels wide, in a font of size pixels; each part with the width in ems of its characters but
    the wide ones (NARROW_EM, BOLD_EM). Words are wrapped whole where they fit, as a browser wraps
    them, and a word wider than a line is broken (embed.css: overflow-wrap: break-word, which the
    long addresses in a citation need)."""
    lines, used = 1, 0.0
    for text, narrow in parts:
        for token in BREAKS.findall(text):
            wide = em_width(token, narrow) * size
            if token.isspace():  # a space at a line's end takes no room on the next
                used += wide
                continue
            if used and used + wide > width:
                lines, used = lines + 1, 0.0
            while wide > width:
                lines, wide = lines + 1, wide - width
            used += wide
    return lines


def view_height(view: EmbedContext, language: str, more: str) -> int:
    """The height in CSS pixels that an embedded view takes at most at SNIPPET_WIDTH: its padding,
    the image at the text's width, and its texts in the edition's language (the title in bold and
    the caption, the citation, the line of links `more`), each as many lines as text_lines says."""

    def block(parts: Sequence[tuple[str, float]], size: float) -> float:
        chinese = language == "zh" or any(re.search(f"[{WIDE}]", text) for text, _ in parts)
        return GAP + text_lines(parts, size) * size * LINE_HEIGHT["zh" if chinese else "en"]

    image = min(view.width, TEXT_WIDTH) * view.height / view.width
    caption = block(((view.title, BOLD_EM), (f" {view.caption}", NARROW_EM)), CAPTION_SIZE)
    texts = caption + block(((view.citation, NARROW_EM),), SMALL_SIZE) + block(((more, NARROW_EM),), SMALL_SIZE)
    room = CAPTION_SIZE * LINE_HEIGHT[language]  # a line more, for fonts wider than counted on
    return math.ceil(2 * VIEW_PADDING + image + texts + room)


def embed_snippet(model: SiteModel, folder: str, title: str, view: Page) -> str:
    """The <iframe> a reader pastes into their own page (absolute URL from site_url) for the
    embedded view (embed_page), tall enough to show all of the view at SNIPPET_WIDTH."""
    shown = cast(EmbedContext, view.context)
    more = f"{model.interface.text('embed.full_page')} · {model.project.settings.title_in(model.language)}"
    frame_height = view_height(shown, model.language, more)
    url = f"{model.project.settings.site_url}/{EDITIONS[model.language]}{folder}{EMBED}.html"
    return (
        f'<iframe src="{html.escape(url)}" width="{SNIPPET_WIDTH}" height="{frame_height}" '
        f'style="border: 0; max-width: 100%;" loading="lazy" title="{html.escape(title)}"></iframe>'
    )
