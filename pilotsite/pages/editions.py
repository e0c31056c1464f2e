"""The pages of every edition, the first made while a forked process warms the caches for the others.

Each edition's pages carry costly files made from that edition's texts: APA references (a CSL
processor), DataCite XML, PDF editions. All of it is kept by content (under .build/cache/, and in
model.references), so while the build makes the first edition's pages, a forked process makes
the other editions' pages and throws them away, keeping only what it put in the caches; the build
then makes those editions' pages from warm caches. The images every edition shares (thumbnails,
embed images, older versions' print PNGs: charts.ScaledImages) are made by both processes once
their pages are made, the process from the first and the build from the last, so that neither
waits for the other. The documents' PDF editions are typeset there too, unless the build's
process had typeset before the fork: Typst cannot typeset in a forked copy of such a process
(pdf_edition.forked_to_warm_caches). The pages themselves never cross a process boundary (their
contexts hold whole tables), only the rendered references come back; anything the process fails
at, the build meets again itself, and reports as ever.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor

from pilotsite.analysis.cluster import process_count
from pilotsite.pages.model import EDITIONS, Page, SiteModel
from pilotsite.pages.pdf_edition import forked_to_warm_caches
from pilotsite.pages.site import build_pages

_FORKED: SiteModel | None = None  # the model, set in the build process just before the fork


def edition_pages(model: SiteModel, jobs: int = 0) -> list[Page]:
    """build_pages for every edition, in EDITIONS order; with two or more processes (jobs: 0 is
    one per core) and a build cache, the editions after the first are warmed in a forked process."""
    global _FORKED
    first, *others = EDITIONS
    catalog = model.catalog
    cached = catalog is not None and catalog.cache_dir is not None
    if not others or not cached or process_count(jobs) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        pages = [page for language in EDITIONS for page in build_pages(model.in_edition(language))]
        model.scaled.make_missing()
        return pages
    _FORKED = model
    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            warming: Future[dict[str, str]] = pool.submit(_warm_caches, tuple(others))
            pages = build_pages(model.in_edition(first))
            model.scaled.make_missing(from_last=True)  # the process makes them from the first
            with contextlib.suppress(Exception):  # a process that died warmed nothing: the build does it all
                model.references.rendered.update(warming.result())
    finally:
        _FORKED = None
    pages += [page for language in others for page in build_pages(model.in_edition(language))]
    model.scaled.make_missing()  # none, unless the process failed
    return pages


def _warm_caches(languages: tuple[str, ...]) -> dict[str, str]:
    """In the forked process: make the editions' pages for their side effects on the caches, and
    return the APA references rendered. An error stops the warming there, silently: the build
    makes the same pages again and reports it."""
    assert _FORKED is not None
    forked_to_warm_caches()
    with contextlib.suppress(Exception):
        for language in languages:
            build_pages(_FORKED.in_edition(language))
        _FORKED.scaled.make_missing()
    return _FORKED.references.rendered
