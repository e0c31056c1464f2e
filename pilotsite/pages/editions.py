"""The pages of every edition: the first made by the build while a forked process makes the others.

Each edition's pages carry costly files made from that edition's texts: APA references (a CSL
processor), DataCite XML, PDF editions. All of it is kept by content (under .build/cache/, and in
model.references). While the build makes the first edition's pages, a forked process makes the
other editions' pages and sends them back (pickled: a page's source key pickles it anyway, and
equal pages pickle to equal bytes wherever they were made), with the APA references it rendered.
The images every edition shares (thumbnails, embed images, older versions' print PNGs:
charts.ScaledImages) are made by both processes once their pages are made, the process from the
first and the build from the last, so that neither waits for the other. The documents' PDF
editions are typeset there too, unless the build's process had typeset before the fork: Typst
cannot typeset in a forked copy of such a process (pdf_edition.forked_to_warm_caches), and the
process's pages are then only a warming of the caches. Whatever the process fails at, or leaves
untypeset, the build makes again itself, and reports as ever.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor

from pilotsite.analysis.cluster import process_count
from pilotsite.pages.model import EDITIONS, Page, SiteModel
from pilotsite.pages.pdf_edition import forked_to_warm_caches, typesetting_skipped
from pilotsite.pages.site import build_pages

SourceKey = Callable[[Page], "str | None"]  # SourceWriter.key
Made = tuple["list[Page] | None", dict[str, "str | None"], dict[str, str]]  # pages, their source keys, references
_FORKED: tuple[SiteModel, SourceKey | None] | None = None  # set in the build process just before the fork


def edition_pages(
    model: SiteModel, jobs: int = 0, key: SourceKey | None = None
) -> tuple[list[Page], dict[str, str | None]]:
    """build_pages for every edition, in EDITIONS order; with two or more processes (jobs: 0 is
    one per core) and a build cache, the editions after the first are made in a forked process,
    which also computes their source keys with key (SourceWriter.key: a key pickles the whole
    page): the pages, and the keys known so far by page path."""
    global _FORKED
    first, *others = EDITIONS
    catalog = model.catalog
    cached = catalog is not None and catalog.cache_dir is not None
    if not others or not cached or process_count(jobs) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        pages = [page for language in EDITIONS for page in build_pages(model.in_edition(language))]
        model.scaled.make_missing()
        return pages, {}
    _FORKED = model, key
    made: list[Page] | None = None
    keys: dict[str, str | None] = {}
    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            making: Future[Made] = pool.submit(_other_editions, tuple(others))
            pages = build_pages(model.in_edition(first))
            model.scaled.make_missing(from_last=True)  # the process makes them from the first
            with contextlib.suppress(Exception):  # a process that died made nothing: the build does it all
                made, keys, rendered = making.result()
                model.references.rendered.update(rendered)
    finally:
        _FORKED = None
    if made is None:
        made, keys = [page for language in others for page in build_pages(model.in_edition(language))], {}
        model.scaled.make_missing()
    return pages + made, keys


def _other_editions(languages: tuple[str, ...]) -> Made:
    """In the forked process: the editions' pages (None where a PDF edition could not be typeset
    here), their source keys, and the APA references rendered. An error stops the process there
    and is sent back: the build makes the same pages again and reports it."""
    assert _FORKED is not None
    model, key = _FORKED
    forked_to_warm_caches()
    pages = [page for language in languages for page in build_pages(model.in_edition(language))]
    model.scaled.make_missing()
    if typesetting_skipped():
        return None, {}, model.references.rendered
    keys = {page.path: key(page) for page in pages} if key is not None else {}
    return pages, keys, model.references.rendered
