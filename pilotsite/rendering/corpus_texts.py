"""The per-text stage of the corpus pages, in one pass over the texts: each text's pages rendered
(.qmd and HTML) and the sentences each evidence item counts in it, batch by batch, in local
worker processes or on a Dask cluster (cluster.run_batches).

The build keeps only small things between batches: each page's keys, and per evidence item its
totals and first rows, while every counted sentence goes straight into the item's evidence.csv.
A text is read only when one of its pages is not cached or the evidence must be gathered anew.

Batches are cut where a text's id hashes to 0 modulo BATCH_TEXTS (content-defined, as rsync cuts
files into blocks), so a text added or removed changes its own batch only. What each batch adds
to the evidence is cached by what it was made from (batch_key): when the evidence is gathered
anew (a text added changes every item's totals), only the batches with a changed text go to the
workers; the others' rows are taken from the cache, without reading their texts' evidence.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import marshal
import os
import pickle
import shutil
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from pilotsite.analysis.segment import decode
from pilotsite.inputs.corpus import Corpus, CorpusText, decode_text, split_sentences
from pilotsite.pages.corpus_pages import SHOWN, Evidence, EvidenceItem, evidence_columns, parts_of, slug, text_pages
from pilotsite.pages.model import EDITIONS
from pilotsite.state.caching import KeyedMemo, prune_files
from pilotsite.state.fingerprint import write_atomic
from pilotsite.state.progress import OFF, Progress

if TYPE_CHECKING:
    from _csv import Writer  # typeshed's name for what csv.writer makes

    from pilotsite.analysis.textwork import TextWork
    from pilotsite.figures.figure import Catalog
    from pilotsite.pages.model import Page
    from pilotsite.pages.sources import SourceWriter
    from pilotsite.rendering.embedded import EmbeddedRenderer, RenderSpec

EVIDENCE_FORMAT = "evidence-v3"  # change when the evidence files change shape
BATCH_TEXTS = 150  # texts per batch on average; at most twice as many


@dataclass(frozen=True)
class TextJob:
    """One text of a batch: where to read it and what to do with it."""

    text: CorpusText
    source: str  # the file's path (local workers) or the text itself (cluster workers)
    label: str  # the file as named in errors; "" when source is the text
    pages: bool  # render its pages
    # Evidence: the text's cached evidence (a file's path for local workers, its bytes or None on a
    # cluster) and where the tokens and coded units are (paths, or bytes on a cluster; None when
    # the cached evidence covers every item).
    evidence: str | bytes | None = None
    tokens: str | bytes | None = None
    coded: str | bytes | None = None
    group: str = ""  # the text's group in the corpus's first grouping
    hint: str = ""  # what its pages' keys are made from (corpus_pages.text_key_hint)


def text_page_key(finishing: str, hint: str, part: int, language: str = "en") -> str:
    """The cache key of one page (part, in one edition) of a text."""
    return hashlib.sha256(f"{finishing}\n{hint}\n{part}\n{language}".encode()).hexdigest()


@dataclass(frozen=True)
class PageStore:
    """Where local workers put the text pages they render, so the pages travel to the build
    process by name, not as tens of megabytes of pickled HTML: the page source cache (.qmd), the
    finished HTML cache (None without the embedded renderer) and what keys the pages."""

    finishing: str
    sources: Path
    finished: Path | None

    def put(self, hint: str, part: int, language: str, source: str, html: bytes | None) -> None:
        key = text_page_key(self.finishing, hint, part, language)
        write_atomic(self.sources / f"{key}.qmd", source.encode("utf-8"))
        if html is not None and self.finished is not None:
            write_atomic(self.finished / f"{key}.html", html)


class TextEvidence(TypedDict):
    """A text's evidence (its cache file, marshal): the items it covers, and per item with hits
    [its rows of evidence.csv as CSV text, the occurrences, its first SHOWN rows]."""

    items: list[str]
    rows: dict[str, list[Any]]


# What text_batch sends back for each text: (id, number of pages, [(path, .qmd, HTML, its CJK
# characters)] of its pages in every edition, its evidence cache anew or None) ...
TextResult = tuple[str, int, list[tuple[str, str | None, bytes | None, str]], bytes | None]
# ... and for each evidence item: (rows of evidence.csv as CSV text, occurrences, occurrences by
# group, the first SHOWN rows)
Fragment = tuple[str, int, dict[str, int], list[dict[str, Any]]]


def cut_batches(texts: list[Any], text_id: Any) -> list[list[Any]]:
    """texts in order, cut after each whose id (text_id(text)) hashes to 0 modulo BATCH_TEXTS
    (and at twice BATCH_TEXTS): the same texts make the same batches wherever they are in the list."""
    batches: list[list[Any]] = []
    batch: list[Any] = []
    for text in texts:
        batch.append(text)
        identity = hashlib.sha256(str(text_id(text)).encode("utf-8")).digest()
        if int.from_bytes(identity[:8], "big") % BATCH_TEXTS == 0 or len(batch) >= 2 * BATCH_TEXTS:
            batches.append(batch)
            batch = []
    if batch:
        batches.append(batch)
    return batches


def read_maybe(source: str | bytes | None) -> bytes | None:
    """Bytes given, or read from a path (None if there is no such file)."""
    if source is None or isinstance(source, bytes):
        return source
    try:
        return Path(source).read_bytes()
    except FileNotFoundError:
        return None


def text_evidence(
    job: TextJob, sentences: list[str], items: tuple[EvidenceItem, ...], columns: tuple[str, ...], known: TextEvidence
) -> TextEvidence:
    """The text's evidence for every item: known (its cached evidence) completed with the items
    it does not cover yet, from the text's tokens and coded units. Per item with hits: its rows
    of evidence.csv as CSV text, the occurrences, and its first SHOWN rows."""
    missing = [i for i in items if i.key not in set(known["items"])]
    if not missing:
        return known
    tools = {i.value for i in missing if i.kind == "tool"}
    words = {i.value for i in missing if i.kind == "word"}
    hits: list[tuple[int, str, int]] = []
    if tools:
        for line in (read_maybe(job.coded) or b"").decode("utf-8").splitlines():
            number_text, tool = line.split(" ", 1)
            if tool in tools:
                hits.append((int(number_text), f"tool:{tool}", 1))
    if words:
        token_data = read_maybe(job.tokens)
        assert token_data is not None  # TextWork.prepare cached every text's tokens before this stage
        tokens = decode(token_data)
        if len(tokens) != len(sentences):  # the rows would point at the wrong sentences
            raise RuntimeError(f"{job.text.id}: {len(tokens)} segmented sentences for {len(sentences)} sentences")
        for number, sentence_words in enumerate(tokens, 1):
            for word in sorted(words.intersection(sentence_words)):
                hits.append((number, f"word:{word}", sentence_words.count(word)))
    parts = parts_of(sentences)
    values = [job.text.value(c) for c in columns]
    rows: dict[str, list[Any]] = {}  # item -> [CSV buffer, occurrences, first SHOWN rows]
    writers: dict[str, Writer] = {}
    for number, key, occurrences in sorted(hits):
        if key not in rows:
            rows[key] = [io.StringIO(), 0, []]
            writers[key] = csv.writer(rows[key][0], lineterminator="\n")
        buffer, total, shown = rows[key]
        writers[key].writerow([job.text.id, job.text.title, *values, number, occurrences, sentences[number - 1]])
        rows[key][1] = total + occurrences
        if len(shown) < SHOWN:
            shown.append(
                {
                    "text_id": job.text.id,
                    "title": job.text.title,
                    "values": values,
                    "sentence_number": number,
                    "part": parts[number - 1],
                    "occurrences": occurrences,
                    "sentence": sentences[number - 1],
                }
            )
    found = dict(known["rows"]) | {
        key: [buffer.getvalue(), total, shown] for key, (buffer, total, shown) in rows.items()
    }
    return {"items": sorted(set(known["items"]) | {i.key for i in missing}), "rows": found}


def text_batch(
    jobs: list[TextJob],
    corpus: Corpus,
    spec: RenderSpec,
    items: tuple[EvidenceItem, ...],
    store: PageStore | None = None,
) -> tuple[list[TextResult], dict[str, Fragment]]:
    """Worker entry point: for each text, (id, number of pages, [(path, .qmd, HTML, its CJK
    characters)] in every edition (EDITIONS, in its order; with a store, .qmd and HTML are put
    there and None is sent back), its evidence cache anew or None); and for each evidence item,
    what this batch's texts add to it:
    (rows of evidence.csv as CSV text, occurrences, occurrences by group of the first grouping,
    the first SHOWN rows). corpus is the corpus without its texts. A text is read only when its
    pages are to be rendered or its evidence to be completed."""
    from pilotsite.rendering.embedded import render_pages

    columns = evidence_columns(corpus)
    interfaces = [(language, replace(spec.settings.interface, language=language)) for language in EDITIONS]
    wanted = [i.key for i in items]
    buffers = {key: io.StringIO() for key in wanted}
    found = {key: Evidence() for key in wanted}
    pages: list[Page] = []
    results: list[tuple[str, int, list[str], bytes | None]] = []
    for job in jobs:
        cached = read_maybe(job.evidence) if job.evidence is not None else None
        known: TextEvidence = marshal.loads(cached) if cached else {"items": [], "rows": {}}
        complete = set(wanted) <= set(known["items"])
        sentences: list[str] = []
        if job.pages or (items and not complete):
            raw = decode_text(Path(job.source).read_bytes(), job.label) if job.label else job.source
            sentences = split_sentences(raw)
        # the text's pages in every edition, one edition after another
        made = (
            [
                replace(page, path=EDITIONS[language] + page.path, language=language)
                for language, interface in interfaces
                for page in text_pages(corpus, job.text, sentences, interface)
            ]
            if job.pages
            else []
        )
        pages += made
        anew: bytes | None = None
        if items:
            evidence = text_evidence(job, sentences, items, columns, known)
            if evidence is not known:
                anew = marshal.dumps(evidence)  # type: ignore[arg-type]  # a TypedDict is a dict, which marshal takes
                if store is not None and isinstance(job.evidence, str):  # its cache file, on this disk
                    write_atomic(Path(job.evidence), anew)
                    anew = None
            for key in wanted:
                if key in evidence["rows"]:
                    rows_csv, total, shown = evidence["rows"][key]
                    buffers[key].write(rows_csv)
                    item = found[key]
                    item.total += total
                    if job.group:
                        item.by_group[job.group] = item.by_group.get(job.group, 0) + total
                    item.rows += shown[: SHOWN - len(item.rows)]
        parts = parts_of(sentences) if job.pages else []
        results.append((job.text.id, parts[-1] if parts else 1, [p.path for p in made], anew))
    from pilotsite.pages.webfont import cjk_characters

    rendered: dict[str, tuple[str | None, bytes | None, str]] = {
        path: (source, html, cjk_characters([source])) for path, source, html in render_pages(pages, spec)
    }
    if store is not None:
        languages = list(EDITIONS)
        for job, (_, count, paths, _) in zip(jobs, results, strict=True):
            for number, path in enumerate(paths):
                source, html, _ = rendered[path]
                assert source is not None  # each page is put once, then left out of what is sent back
                store.put(job.hint, number % count + 1, languages[number // count], source, html)
                rendered[path] = (None, None, rendered[path][2])
    texts = [
        (text_id, count, [(path, *rendered[path]) for path in paths], anew) for text_id, count, paths, anew in results
    ]
    return texts, {key: (buffers[key].getvalue(), e.total, e.by_group, e.rows) for key, e in found.items() if e.total}


def evidence_key(corpus: Corpus, work: TextWork, items: list[EvidenceItem]) -> str:
    """What the evidence depends on: each text's metadata, tokens and coded units, the items, this code."""
    digest = hashlib.sha256(EVIDENCE_FORMAT.encode() + Path(__file__).read_bytes())
    columns = evidence_columns(corpus)
    for text in corpus.texts:
        digest.update(
            json.dumps(
                [
                    text.id,
                    text.title,
                    [text.value(c) for c in columns],
                    work.token_key(text),
                    work.coded_key(text) if work.tools else "",
                ],
                ensure_ascii=False,
            ).encode("utf-8")
        )
    digest.update(json.dumps([[i.kind, i.value] for i in items], ensure_ascii=False).encode("utf-8"))
    digest.update(str(SHOWN).encode())
    return digest.hexdigest()


class EvidenceWriter:
    """Collects the hits of every text, in text order, into each item's evidence.csv (written as
    it goes) and a small summary; finished, it moves into cache_dir/evidence/<key>/ whole."""

    def __init__(self, corpus: Corpus, items: list[EvidenceItem], folder: Path):
        self.corpus, self.folder = corpus, folder
        self.columns = evidence_columns(corpus)
        self.temporary = folder.with_name(f".tmp-{folder.name}-{os.getpid()}")
        shutil.rmtree(self.temporary, ignore_errors=True)
        self.temporary.mkdir(parents=True)
        self.found = {item.key: Evidence() for item in items}
        self.files = {
            item.key: open(self.temporary / f"{slug(item.kind, item.value)}.csv", "w", encoding="utf-8", newline="")  # noqa: SIM115  (open while batches are added; close() closes them)
            for item in items
        }
        for handle in self.files.values():
            csv.writer(handle, lineterminator="\n").writerow(
                ["text_id", "title", *self.columns, "sentence_number", "occurrences", "sentence"]
            )

    def add(self, fragments: dict[str, Fragment]) -> None:
        """What one batch adds to each item (see text_batch), batches in text order."""
        for key, (rows_csv, total, by_group, rows) in fragments.items():
            found = self.found[key]
            found.total += total
            for group, n in by_group.items():
                found.by_group[group] = found.by_group.get(group, 0) + n
            self.files[key].write(rows_csv)
            found.rows += rows[: SHOWN - len(found.rows)]

    def close(self) -> None:
        for handle in self.files.values():
            handle.close()

    def finish(self) -> dict[str, Evidence]:
        self.close()
        summary = {k: {"total": e.total, "by_group": e.by_group, "rows": e.rows} for k, e in self.found.items()}
        (self.temporary / "summary.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
        shutil.rmtree(self.folder, ignore_errors=True)
        os.rename(self.temporary, self.folder)
        return read_evidence(self.folder)


def read_evidence(folder: Path) -> dict[str, Evidence]:
    saved = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return {
        k: Evidence(v["total"], v["by_group"], v["rows"], folder / f"{slug(*k.split(':', 1))}.csv")
        for k, v in saved.items()
    }


class TextStage:
    """Runs the per-text stage for every corpus and links each text page into the page sources
    and the staged site, from the caches where it can."""

    def __init__(
        self,
        catalog: Catalog,
        writer: SourceWriter,
        renderer: EmbeddedRenderer | None,
        spec: RenderSpec,
        cache_dir: Path,
        jobs: int = 0,
        scheduler: str = "",
        progress: Progress = OFF,
    ):
        self.catalog, self.writer, self.renderer, self.spec = catalog, writer, renderer, spec
        self.progress = progress
        self.cache_dir = cache_dir  # .build/cache
        self.jobs, self.scheduler = jobs, scheduler
        self.parts = KeyedMemo(cache_dir / "text-parts.json")  # text page key -> number of pages
        # the site settings too: the interface's texts are on every text page
        self.finishing = hashlib.sha256(
            json.dumps([spec.templates, spec.html]).encode()
            + pickle.dumps(spec.settings, protocol=5)
            + (renderer.finishing.encode() if renderer is not None else b"")
        ).hexdigest()
        self.used_evidence: set[str] = set()
        self.used_text_evidence: set[str] = set()
        self.used_batches: set[str] = set()  # batch_key of every batch whose evidence this build gathers
        self.evidence_batches: dict[str, tuple[int, int]] = {}  # corpus id -> batches gathered anew, of all
        self.prune_text_evidence = True  # false once a corpus took its evidence whole from the cache
        self.code = hashlib.sha256(
            Path(__file__).read_bytes() + (Path(__file__).parents[1] / "pages" / "corpus_pages.py").read_bytes()
        ).hexdigest()
        self.indexed: list[str] = []
        self.rendered: list[str] = []  # text pages rendered anew by this build
        self.characters: dict[str, str] = {}  # their CJK characters, for the web font

    def page_key(self, hint: str, part: int, language: str = "en") -> str:
        return text_page_key(self.finishing, hint, part, language)

    def all_cached(self, hint: str, count: int) -> bool:
        return all(self.cached(self.page_key(hint, n, language)) for language in EDITIONS for n in range(1, count + 1))

    def cached(self, key: str) -> bool:
        assert self.writer.source_cache is not None  # the build's writer keeps a source cache
        return (self.writer.source_cache / f"{key}.qmd").is_file() and (
            self.renderer is None or (self.renderer.finished_dir / f"{key}.html").is_file()
        )

    def text_evidence_path(self, corpus: Corpus, text: CorpusText) -> Path:
        """Where a text's evidence is cached: keyed by what its rows show, not by the items, which
        the file lists itself (new items are added to it, old ones stay)."""
        from pilotsite.pages.corpus_pages import PART_CHARACTERS

        work = self.catalog.textwork
        assert work is not None  # a catalog with corpora has their TextWork
        key = json.dumps(
            [
                EVIDENCE_FORMAT,
                sys.version,
                self.code,
                work.token_key(text),
                work.coded_key(text) if work.tools else "",
                text.id,
                text.title,
                [text.value(c) for c in evidence_columns(corpus)],
                SHOWN,
                PART_CHARACTERS,
            ],
            ensure_ascii=False,
        )
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        self.used_text_evidence.add(digest)
        # marshal, not JSON: read back only by this Python (its version is in the key), and several
        # times faster for the tens of megabytes of evidence a large corpus has
        return self.cache_dir / "text-evidence" / digest[:2] / f"{digest}.marshal"

    def run(self, corpus: Corpus, items: list[EvidenceItem]) -> dict[str, Evidence]:
        from pilotsite.analysis.cluster import run_batches
        from pilotsite.pages.corpus_pages import text_key_hint

        work = self.catalog.textwork
        assert work is not None  # a catalog with corpora has their TextWork
        key = evidence_key(corpus, work, items)
        self.used_evidence.add(key)
        folder = self.cache_dir / "evidence" / key
        evidence = None if (folder / "summary.json").is_file() else EvidenceWriter(corpus, items, folder)
        shell = replace(
            corpus, texts=(), groupings=tuple(replace(g, members={}) for g in corpus.groupings), comparison=None
        )
        first = corpus.groupings[0] if corpus.groupings else None
        group_of = {text_id: value for value, ids in first.members.items() for text_id in ids} if first else {}
        hints = {t.id: text_key_hint(corpus, t) for t in corpus.texts}
        todo = []
        for text in corpus.texts:
            count = self.parts.saved.get(self.page_key(hints[text.id], 1))
            cached = count is not None and self.all_cached(hints[text.id], count)
            if cached:
                assert count is not None  # cached: its pages were counted
                self.link(corpus, text, hints[text.id], count)
            if not cached or evidence is not None:
                todo.append((text, not cached))
        evidence_paths = (
            {text.id: self.text_evidence_path(corpus, text) for text, _ in todo} if evidence is not None else {}
        )

        batches = cut_batches(todo, lambda job: job[0].id)
        # What each batch adds to the evidence, from the cache where its texts and the items are as before
        batch_keys = [self.batch_key(corpus, batch, items, evidence_paths, group_of) for batch in batches]
        # (read one at a time as the evidence is written: together they are all of it)
        ready = [
            evidence is not None
            and bool(key)
            and not any(pages for _, pages in batch)
            and self.batch_path(key).is_file()
            for key, batch in zip(batch_keys, batches, strict=True)
        ]

        def jobs_of(batch: list[tuple[CorpusText, bool]]) -> list[TextJob]:
            jobs = []
            for text, pages in batch:
                path = evidence_paths.get(text.id)
                tokens = work.token_path(text) if path is not None else None
                coded = work.coded_path(text) if path is not None and work.tools else None
                if self.scheduler:  # cluster workers need not share this disk: they get the bytes
                    jobs.append(
                        TextJob(
                            text,
                            corpus.read_text(text),
                            "",
                            pages,
                            read_maybe(str(path)) if path else None,
                            tokens.read_bytes() if tokens else None,
                            coded.read_bytes() if coded else None,
                            group_of.get(text.id, ""),
                            hints[text.id],
                        )
                    )
                else:
                    jobs.append(
                        TextJob(
                            text,
                            str(corpus.folder / text.file),
                            f"{corpus.label}/{text.file}",
                            pages,
                            str(path) if path else None,
                            str(tokens) if tokens else None,
                            str(coded) if coded else None,
                            group_of.get(text.id, ""),
                            hints[text.id],
                        )
                    )
            return jobs

        sent = [index for index, cached in enumerate(ready) if not cached]
        if evidence is not None:
            self.evidence_batches[corpus.id] = (len(sent), len(batches))

        by_id = {t.id: t for t in corpus.texts}
        assert self.writer.source_cache is not None  # the build's writer keeps a source cache
        caches = PageStore(
            self.finishing, self.writer.source_cache, self.renderer.finished_dir if self.renderer else None
        )
        store = None if self.scheduler else caches  # local workers share this disk: they put the pages there themselves
        label = f"text pages of {corpus.id}" + (" and their evidence" if evidence is not None else "")
        results: list[TextResult]  # what text_batch returns
        fragments: dict[str, Fragment]
        try:
            with self.progress.task(label, len(todo), "texts") as advance:
                taken = 0  # batches whose evidence is added, in order

                def take_cached(until: int) -> None:
                    nonlocal taken
                    for index in range(taken, until):
                        cached = self.cached_batch(batch_keys[index])
                        assert evidence is not None and cached is not None  # a batch not sent is cached
                        evidence.add(cached)
                        advance(len(batches[index]))
                    taken = until

                outcomes = run_batches(
                    "pilotsite.rendering.corpus_texts:text_batch",
                    (jobs_of(batches[index]) for index in sent),
                    (shell, self.spec, tuple(items) if evidence is not None else (), store),
                    self.jobs,
                    self.scheduler,
                )
                for index, (results, fragments) in zip(sent, outcomes, strict=True):
                    self._take(results, by_id, evidence_paths, caches, hints, corpus)
                    if evidence is not None:
                        take_cached(index)
                        evidence.add(fragments)
                        self.keep_batch(batch_keys[index], fragments)
                        taken = index + 1
                    advance(len(results))
                if evidence is not None:
                    take_cached(len(batches))
        except BaseException:
            if evidence is not None:
                evidence.close()
                shutil.rmtree(evidence.temporary, ignore_errors=True)
            raise
        if evidence is None:
            self.prune_text_evidence = False  # its texts were not looked at: their cached evidence is kept
        return evidence.finish() if evidence is not None else read_evidence(folder)

    def batch_key(
        self,
        corpus: Corpus,
        batch: list[tuple[CorpusText, bool]],
        items: list[EvidenceItem],
        evidence_paths: dict[str, Path],
        group_of: dict[str, str],
    ) -> str:
        """What a batch's evidence is made from: its texts' evidence keys (text_evidence_path: their
        tokens, coded units, metadata and this code) and groups, and the items."""
        if not evidence_paths:
            return ""
        made_from = [
            EVIDENCE_FORMAT,
            sys.version,
            self.code,
            corpus.id,
            SHOWN,
            [item.key for item in items],
            [[evidence_paths[text.id].stem, group_of.get(text.id, "")] for text, _ in batch],
        ]
        key = hashlib.sha256(json.dumps(made_from, ensure_ascii=False).encode("utf-8")).hexdigest()
        self.used_batches.add(key)
        return key

    def batch_path(self, key: str) -> Path:
        return self.cache_dir / "batch-evidence" / key[:2] / f"{key}.marshal"

    def cached_batch(self, key: str) -> dict[str, Fragment] | None:
        content = read_maybe(str(self.batch_path(key))) if key else None
        return marshal.loads(content) if content else None  # what keep_batch wrote

    def keep_batch(self, key: str, fragments: dict[str, Fragment]) -> None:
        if key:
            write_atomic(self.batch_path(key), marshal.dumps(fragments))

    def _take(
        self,
        results: list[TextResult],
        by_id: dict[str, CorpusText],
        evidence_paths: dict[str, Path],
        caches: PageStore,
        hints: dict[str, str],
        corpus: Corpus,
    ) -> None:
        """One batch's pages (into the caches and the staged site) and its texts' evidence (to disk)."""
        for text_id, count, pages, anew in results:
            text = by_id[text_id]
            if anew is not None:
                write_atomic(evidence_paths[text_id], anew)
            if pages:
                for number, (path, source, html, characters) in enumerate(pages):
                    self.characters[path] = characters
                    language, part = list(EDITIONS)[number // count], number % count + 1
                    if source is not None:  # else a local worker put it in the caches
                        caches.put(hints[text_id], part, language, source, html)
                    self.rendered.append(path)
                self.parts.keep(self.page_key(hints[text_id], 1), count)
                self.link(corpus, text, hints[text_id], count)

    def link(self, corpus: Corpus, text: CorpusText, hint: str, count: int) -> None:
        """A text's cached pages, in every edition, into the page sources and the staged site."""
        from pilotsite.pages.corpus_pages import text_path

        assert self.writer.source_cache is not None  # the build's writer keeps a source cache
        for language, folder in EDITIONS.items():
            for part in range(1, count + 1):
                page_key = self.page_key(hint, part, language)
                path = folder + text_path(corpus.id, text.id, part)[: -len(".html")]
                self.writer.place(path, self.writer.source_cache / f"{page_key}.qmd", page_key)
                if self.renderer is not None:
                    self.renderer.place(path, self.renderer.finished_dir / f"{page_key}.html", page_key)
                if part == 1 and not folder:  # indexed once: the search page of each edition leads to its own twin
                    self.indexed.append(f"{path}.html")
        self.parts.keep(self.page_key(hint, 1), count)

    def finish(self) -> None:
        self.parts.save()
        folder = self.cache_dir / "evidence"
        if folder.is_dir():
            for entry in folder.iterdir():
                if entry.name not in self.used_evidence:
                    shutil.rmtree(entry, ignore_errors=True)
        if self.prune_text_evidence:
            for kept, used in (("text-evidence", self.used_text_evidence), ("batch-evidence", self.used_batches)):
                prune_files(self.cache_dir / kept, "*/*", {f"{key}.marshal" for key in used})
