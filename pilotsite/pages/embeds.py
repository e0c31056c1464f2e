"""Embedded views: a figure, or one version of it, shown inside another site's page.

Each figure page and each version page has a chrome-less twin, embed.html in the same folder
(site/layouts/embed.html.j2: no header, navigation, search or footer): the image, its title and
caption, one citation line and a link back to the full page, which opens in the top window. The
figure page shows the <iframe> snippet that embeds it. An embedded view fetches under
EMBED_BUDGET bytes with its assets: a PNG at its width (srcset), a small stylesheet of its own
(site/assets/embed.css, not the site's), and, for its Chinese, a web-font face holding exactly
its characters (webfont.add_own_faces) instead of the site's slices.
"""

from __future__ import annotations

import html
import struct
from pathlib import Path

from pilotsite.pages.charts import EMBED_IMAGE, EMBED_WIDTH, THUMBNAIL, ScaledImages, scaled_size
from pilotsite.pages.model import EDITIONS, EmbedContext, Page, SiteModel

EMBED = "embed"  # the view's name beside the full page: <folder>/embed.html
EMBED_LAYOUT = "embed.html.j2"
EMBED_BUDGET = 100_000  # bytes an embedded view fetches, its image, stylesheet and font included
SNIPPET_WIDTH = 640  # CSS pixels of the <iframe> the snippet proposes


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header (IHDR)."""
    return struct.unpack(">II", png[16:24])


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


def embed_snippet(model: SiteModel, folder: str, title: str, png: bytes) -> str:
    """The <iframe> a reader pastes into their own page (absolute URL from site_url), sized to
    the figure's proportions plus room for the caption and citation."""
    width, height = png_size(png)
    frame_height = round(SNIPPET_WIDTH * height / width) + 220
    url = f"{model.project.settings.site_url}/{EDITIONS[model.language]}{folder}{EMBED}.html"
    return (
        f'<iframe src="{html.escape(url)}" width="{SNIPPET_WIDTH}" height="{frame_height}" '
        f'style="border: 0; max-width: 100%;" loading="lazy" title="{html.escape(title)}"></iframe>'
    )
