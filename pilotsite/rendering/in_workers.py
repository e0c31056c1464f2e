"""The pages outside the corpus's per-text stage (figures, versions, lists, evidence, …) rendered
in forked worker processes before the build writes them, so both cores share the Jinja2 and
layout work: each worker puts every page's .qmd and finished HTML into the caches under the keys
the build's SourceWriter and EmbeddedRenderer look up, and the build then only links them.

The pages reach the workers by fork, not by pickling (their contexts hold whole tables); what
comes back is small: each page's path and keys. The HTML is what the build itself would make
(render_pages, as the per-text stage uses: tests/test_render.py and the byte-identical rebuild
tests hold both routes to the same bytes).
"""

from __future__ import annotations

import hashlib
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, cast

from pilotsite.analysis.cluster import process_count
from pilotsite.rendering.embedded import BodyCache, EmbeddedRenderer, RenderSpec, render_pages
from pilotsite.state.fingerprint import write_atomic
from pilotsite.state.progress import OFF, Progress

if TYPE_CHECKING:
    from pilotsite.pages.model import Page
    from pilotsite.pages.sources import SourceWriter

MOST_IN_BATCH = 100  # pages per task (one pandoc run each); fewer when there are few to render
# (pages, keys, writer, renderer, spec), set in the build process just before the fork
_FORKED: tuple[list[Page], dict[str, str | None], SourceWriter, EmbeddedRenderer | None, RenderSpec] | tuple[()] = ()


def render_uncached(
    pages: list[Page],
    writer: SourceWriter,
    renderer: EmbeddedRenderer | None,
    spec: RenderSpec,
    jobs: int = 0,
    progress: Progress = OFF,
) -> None:
    """Render, in up to `jobs` forked processes (0: all cores), the pages whose source (or, with
    the embedded renderer, whose finished HTML) is not cached; with fewer than two such batches,
    or without fork, nothing is done here and the build renders them itself."""
    global _FORKED
    if writer.source_cache is None or "fork" not in multiprocessing.get_all_start_methods():
        return
    keys = writer.precompute_keys(pages)
    todo = [
        index
        for index, page in enumerate(pages)
        if (source_key := keys[page.path]) and not cached(source_key, writer, renderer)
    ]
    workers = process_count(jobs)
    size = max(10, min(MOST_IN_BATCH, -(-len(todo) // (4 * workers))))  # about four tasks per worker
    batches = [todo[start : start + size] for start in range(0, len(todo), size)]
    workers = min(workers, len(batches))
    if workers < 2:
        return
    _FORKED = (pages, keys, writer, renderer, spec)
    try:
        with (
            ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool,
            progress.task("rendering pages", len(todo), "pages") as advance,
        ):
            for made in pool.map(_render_batch, batches):
                advance(len(made))
                for path, key, body_key, converted in made:
                    if renderer is not None:
                        renderer.made_in_workers[key] = body_key
                        if converted:  # pages converted anew, as the renderer counts them
                            renderer.rendered.append(path)
    finally:
        _FORKED = ()


def finished_key(renderer: EmbeddedRenderer, source_key: str) -> str:
    """The key of a page's finished HTML (EmbeddedRenderer.render)."""
    return hashlib.sha256((renderer.finishing + source_key).encode()).hexdigest()


def cached(source_key: str, writer: SourceWriter, renderer: EmbeddedRenderer | None) -> bool:
    assert writer.source_cache is not None  # render_uncached goes no further without one
    if not (writer.source_cache / f"{source_key}.qmd").is_file():
        return False
    if renderer is None:
        return True
    key = finished_key(renderer, source_key)
    return key in renderer.index.saved and (renderer.finished_dir / f"{key}.html").is_file()


def _render_batch(indexes: list[int]) -> list[tuple[str, str, str, bool]]:
    """In a worker: each page's source, pandoc body and finished HTML into the caches (as
    SourceWriter.write and EmbeddedRenderer.render put them); (path, finished key, body key,
    whether pandoc converted its body) of each."""
    assert len(_FORKED) == 5  # set before the pool forked this worker
    pages, keys, writer, renderer, spec = _FORKED
    assert writer.source_cache is not None  # render_uncached forks only with one
    bodies = BodyCache(renderer.cache_dir, renderer.renderer) if renderer is not None else None
    made = []
    try:
        rendered = render_pages([pages[index] for index in indexes], spec, bodies)
    except Exception:
        return []
    for number, (path, source, html) in enumerate(rendered):
        write_atomic(writer.source_cache / f"{keys[path]}.qmd", source.encode("utf-8"))
        if bodies is None or html is None:
            made.append((path, "", "", False))
            continue
        assert renderer is not None  # bodies are made with it
        key = finished_key(renderer, cast(str, keys[path]))  # only pages with a source key are rendered here
        write_atomic(renderer.finished_dir / f"{key}.html", html)
        made.append((path, key, bodies.keys[number], bodies.converted[number]))
    return made
