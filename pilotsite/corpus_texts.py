"""The per-text stage of the corpus pages, in one pass over the texts: each text's pages rendered
(.qmd and HTML) and the sentences each evidence item counts in it, batch by batch, in local
worker processes or on a Dask cluster (cluster.run_batches).

The build keeps only small things between batches: each page's keys, and per evidence item its
totals and first rows, while every counted sentence goes straight into the item's evidence.csv.
A text is read only when one of its pages is not cached or the evidence must be gathered anew.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from .caching import KeyedMemo
from .corpus import Corpus, CorpusText, decode_text, split_sentences
from .corpus_pages import (SHOWN, Evidence, EvidenceItem, evidence_columns, parts_of, slug, text_pages)
from .fingerprint import write_atomic
from .segment import decode

EVIDENCE_FORMAT = "evidence-v3"  # change when the evidence files change shape
BATCH_TEXTS = 150


@dataclass(frozen=True)
class TextJob:
    """One text of a batch: where to read it and what to do with it."""

    text: CorpusText
    source: str  # the file's path (local workers) or the text itself (cluster workers)
    label: str  # the file as named in errors; "" when source is the text
    pages: bool  # render its pages
    tokens: str | bytes | None  # evidence needs these: the cache files' paths, or their bytes on a cluster
    coded: str | bytes | None


def text_batch(jobs: list[TextJob], corpus: Corpus, spec, items: tuple[EvidenceItem, ...]) -> tuple[list, dict]:
    """Worker entry point: for each text, (id, number of pages, [(path, .qmd, HTML)]); and for
    each evidence item, what this batch's texts add to it: (rows of evidence.csv as CSV text,
    occurrences, occurrences by group of the first grouping, the first SHOWN rows). corpus is
    the corpus without its texts."""
    from .renderers.embedded import render_pages

    tools = {i.value for i in items if i.kind == "tool"}
    words = {i.value for i in items if i.kind == "word"}
    columns = evidence_columns(corpus)
    first = corpus.groupings[0] if corpus.groupings else None
    buffers = {item.key: io.StringIO() for item in items}
    writers = {key: csv.writer(buffer, lineterminator="\n") for key, buffer in buffers.items()}
    found = {item.key: Evidence() for item in items}
    pages, results = [], []
    for job in jobs:
        raw = decode_text(Path(job.source).read_bytes(), job.label) if job.label else job.source
        sentences = split_sentences(raw)
        parts = parts_of(sentences)
        made = text_pages(corpus, job.text, sentences) if job.pages else []
        pages += made
        results.append((job.text.id, parts[-1] if parts else 1, [p.path for p in made]))
        hits = []
        if job.coded is not None and tools:
            data = job.coded if isinstance(job.coded, bytes) else Path(job.coded).read_bytes()
            for line in data.decode("utf-8").splitlines():
                number, tool = line.split(" ", 1)
                if tool in tools:
                    hits.append((int(number), f"tool:{tool}", 1))
        if job.tokens is not None and words:
            tokens = decode(job.tokens if isinstance(job.tokens, bytes) else Path(job.tokens).read_bytes())
            if len(tokens) != len(sentences):  # the rows would point at the wrong sentences
                raise RuntimeError(f"{job.text.id}: {len(tokens)} segmented sentences for {len(sentences)} sentences")
            for number, sentence_words in enumerate(tokens, 1):
                for word in sorted(words.intersection(sentence_words)):
                    hits.append((number, f"word:{word}", sentence_words.count(word)))
        if not hits:
            continue
        text = job.text
        grouped = first is not None and all(text.value(c) == v for c, v in first.where)
        group = text.value(first.column) if grouped else ""
        values = [text.value(c) for c in columns]
        for number, key, occurrences in sorted(hits):
            evidence = found[key]
            evidence.total += occurrences
            if group:
                evidence.by_group[group] = evidence.by_group.get(group, 0) + occurrences
            writers[key].writerow([text.id, text.title, *values, number, occurrences, sentences[number - 1]])
            if len(evidence.rows) < SHOWN:
                evidence.rows.append({"text_id": text.id, "title": text.title, "values": values, "sentence_number": number,
                                      "part": parts[number - 1], "occurrences": occurrences, "sentence": sentences[number - 1]})
    rendered = {path: (source, html) for path, source, html in render_pages(pages, spec)}
    texts = [(text_id, count, [(path, *rendered[path]) for path in paths]) for text_id, count, paths in results]
    return texts, {key: (buffers[key].getvalue(), e.total, e.by_group, e.rows) for key, e in found.items() if e.total}


def evidence_key(corpus: Corpus, work, items: list[EvidenceItem]) -> str:
    """What the evidence depends on: each text's metadata, tokens and coded units, the items, this code."""
    digest = hashlib.sha256(EVIDENCE_FORMAT.encode() + Path(__file__).read_bytes())
    columns = evidence_columns(corpus)
    for text in corpus.texts:
        digest.update(json.dumps([text.id, text.title, [text.value(c) for c in columns], work.token_key(text),
                                  work.coded_key(text) if work.tools else ""], ensure_ascii=False).encode("utf-8"))
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
        self.files = {item.key: open(self.temporary / f"{slug(item.kind, item.value)}.csv", "w", encoding="utf-8", newline="")
                      for item in items}
        for handle in self.files.values():
            csv.writer(handle, lineterminator="\n").writerow(["text_id", "title", *self.columns, "sentence_number",
                                                              "occurrences", "sentence"])

    def add(self, fragments: dict) -> None:
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
    return {k: Evidence(v["total"], v["by_group"], v["rows"], folder / f"{slug(*k.split(':', 1))}.csv") for k, v in saved.items()}


class TextStage:
    """Runs the per-text stage for every corpus and links each text page into the page sources
    and the staged site, from the caches where it can."""

    def __init__(self, catalog, writer, renderer, spec, cache_dir: Path, jobs: int = 0, scheduler: str = ""):
        self.catalog, self.writer, self.renderer, self.spec = catalog, writer, renderer, spec
        self.cache_dir = cache_dir  # .build/cache
        self.jobs, self.scheduler = jobs, scheduler
        self.parts = KeyedMemo(cache_dir / "text-parts.json")  # text page key -> number of pages
        self.finishing = hashlib.sha256(json.dumps([spec.templates, spec.html]).encode()
                                        + (renderer.finishing.encode() if renderer is not None else b"")).hexdigest()
        self.used_evidence: set[str] = set()
        self.indexed: list[str] = []
        self.rendered: list[str] = []  # text pages rendered anew by this build

    def page_key(self, hint: str, part: int) -> str:
        return hashlib.sha256(f"{self.finishing}\n{hint}\n{part}".encode()).hexdigest()

    def cached(self, key: str) -> bool:
        return (self.writer.source_cache / f"{key}.qmd").is_file() and (
            self.renderer is None or (self.renderer.finished_dir / f"{key}.html").is_file())

    def run(self, corpus: Corpus, items: list[EvidenceItem]) -> dict[str, Evidence]:
        from .cluster import run_batches
        from .corpus_pages import text_key_hint

        work = self.catalog.textwork
        key = evidence_key(corpus, work, items)
        self.used_evidence.add(key)
        folder = self.cache_dir / "evidence" / key
        evidence = None if (folder / "summary.json").is_file() else EvidenceWriter(corpus, items, folder)
        shell = replace(corpus, texts=(), groupings=tuple(replace(g, members={}) for g in corpus.groupings), comparison=None)
        hints = {t.id: text_key_hint(corpus, t) for t in corpus.texts}
        todo = []
        for text in corpus.texts:
            count = self.parts.saved.get(self.page_key(hints[text.id], 1))
            cached = count is not None and all(self.cached(self.page_key(hints[text.id], n)) for n in range(1, count + 1))
            if cached:
                self.link(corpus, text, hints[text.id], count)
            if not cached or evidence is not None:
                todo.append((text, not cached))

        def batches():
            batch = []
            for text, pages in todo:
                tokens = work.token_path(text) if evidence is not None else None
                coded = work.coded_path(text) if evidence is not None and work.tools else None
                if self.scheduler:  # cluster workers need not share this disk: they get the bytes
                    batch.append(TextJob(text, corpus.read_text(text), "", pages, tokens and tokens.read_bytes(),
                                         coded and coded.read_bytes()))
                else:
                    batch.append(TextJob(text, str(corpus.folder / text.file), f"{corpus.label}/{text.file}", pages,
                                         tokens and str(tokens), coded and str(coded)))
                if len(batch) >= BATCH_TEXTS:
                    yield batch
                    batch = []
            if batch:
                yield batch

        by_id = {t.id: t for t in corpus.texts}
        try:
            for results, fragments in run_batches("pilotsite.corpus_texts:text_batch", batches(),
                                                  (shell, self.spec, tuple(items)), self.jobs, self.scheduler):
                for text_id, count, pages in results:
                    text = by_id[text_id]
                    if pages:
                        for part, (path, source, html) in enumerate(pages, 1):
                            page_key = self.page_key(hints[text_id], part)
                            write_atomic(self.writer.source_cache / f"{page_key}.qmd", source.encode("utf-8"))
                            if html is not None:
                                write_atomic(self.renderer.finished_dir / f"{page_key}.html", html)
                            self.rendered.append(path)
                        self.parts.keep(self.page_key(hints[text_id], 1), count)
                        self.link(corpus, text, hints[text_id], count)
                if evidence is not None:
                    evidence.add(fragments)
        except BaseException:
            if evidence is not None:
                evidence.close()
                shutil.rmtree(evidence.temporary, ignore_errors=True)
            raise
        return evidence.finish() if evidence is not None else read_evidence(folder)

    def link(self, corpus: Corpus, text: CorpusText, hint: str, count: int) -> None:
        """A text's cached pages into the page sources and the staged site."""
        from .corpus_pages import text_path

        for part in range(1, count + 1):
            page_key = self.page_key(hint, part)
            path = text_path(corpus.id, text.id, part)[: -len(".html")]
            self.writer.place(path, self.writer.source_cache / f"{page_key}.qmd", page_key)
            if self.renderer is not None:
                self.renderer.place(path, self.renderer.finished_dir / f"{page_key}.html", page_key)
            if part == 1:
                self.indexed.append(f"{path}.html")
        self.parts.keep(self.page_key(hint, 1), count)

    def finish(self) -> None:
        self.parts.save()
        folder = self.cache_dir / "evidence"
        if folder.is_dir():
            for entry in folder.iterdir():
                if entry.name not in self.used_evidence:
                    shutil.rmtree(entry, ignore_errors=True)
