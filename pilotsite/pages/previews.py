"""Link previews: what a chat or a social post shows when a reader pastes a page's address.

Every page's <head> carries Open Graph and Twitter card metadata and a canonical URL (the layout,
site/layouts/page.html.j2, from Page.canonical_path and Page.preview_image). A figure's pages
show the figure's own PNG; every other page shows the site card drawn here: the site's title in
English and Chinese on a 1200 x 630 image, the size Open Graph consumers expect.
"""

from __future__ import annotations

import hashlib
import io
import textwrap
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from pilotsite.errors import BuildError, Problem
from pilotsite.inputs.project import SITE_SETTINGS, SiteSettings
from pilotsite.state.fingerprint import package_version, write_atomic

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

SITE_CARD = "assets/site-card.png"  # path from the site root
CARD_SIZE = (12.0, 6.3)  # inches at 100 dpi: 1200 x 630 pixels
CARD_PIXELS = (1200, 630)
CARD_FORMAT = "site card 1"  # in the cache key: change it when the drawing changes


def site_card(settings: SiteSettings, cache_dir: Path) -> bytes:
    """The site card's PNG, drawn once per title and cached (a matplotlib figure takes 0.3 s)."""
    key = hashlib.sha256(
        "\n".join(
            [CARD_FORMAT, package_version("matplotlib"), settings.title, settings.title_zh, settings.site_url]
        ).encode("utf-8")
    ).hexdigest()
    cached = cache_dir / f"{key}.png"
    if cached.is_file():
        return cached.read_bytes()
    png = draw_site_card(settings)
    write_atomic(cached, png)
    return png


def draw_site_card(settings: SiteSettings) -> bytes:
    from matplotlib.figure import Figure

    from pilotsite.figures.drawing import PALETTE, configure
    from pilotsite.figures.fonts import describe_characters, undrawable

    problems = [
        Problem(
            SITE_SETTINGS,
            f"field '{field}': {describe_characters(missing)} cannot be drawn in the font of the site card "
            "(the image link previews show); remove it from the title",
        )
        for field, value in (("title", settings.title), ("title_zh", settings.title_zh))
        if (missing := undrawable(value))
    ]
    if problems:
        raise BuildError(problems)
    configure()  # the CJK font; the same bytes every run
    figure = Figure(figsize=CARD_SIZE, dpi=100)
    figure.patch.set_facecolor("white")
    figure.add_artist(_band(figure, PALETTE[0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph fails the build rather than drawing empty boxes
        figure.text(0.07, 0.80, fitted(settings.title, 34, 2), fontsize=40, color="#1a1a1a", va="top", linespacing=1.3)
        figure.text(0.07, 0.44, fitted(settings.title_zh, 20, 1), fontsize=36, color="#1a1a1a", va="top")
        figure.text(0.07, 0.16, settings.site_url.split("://", 1)[-1], fontsize=20, color="#555555")
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=100, metadata={"Software": None})
    return out.getvalue()


def fitted(title: str, width: int, lines: int) -> str:
    """The title wrapped at width characters (a Chinese title has no spaces: cut anywhere), at
    most `lines` lines, the last ending in an ellipsis when the title is longer: a card shows a
    long title's start, never text running off the image."""
    wrapped = (
        textwrap.wrap(title, width) if " " in title else [title[i : i + width] for i in range(0, len(title), width)]
    )
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "…"
    return "\n".join(wrapped)


def _band(figure: Figure, colour: str) -> Rectangle:
    from matplotlib.patches import Rectangle

    return Rectangle((0, 0.9), 1, 0.1, transform=figure.transFigure, color=colour)
