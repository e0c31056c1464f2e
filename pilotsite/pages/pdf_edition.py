"""The PDF edition of a document's findings, typeset with Typst in Noto Sans CJK SC.

Each document page, in each edition, has findings.pdf beside it: the document's metadata, its
figures (vector, from each figure.pdf) captioned with their title, caption, version, APA
citation and permanent URL, the data files each figure was made from, the passages they quote,
and the document's timeline, with the labels of the edition's catalogue. Typst reads every text
from one JSON file (site/print/findings.typ), so data is never parsed as markup.

A PDF is cached by what it shows: the template, that JSON, the images it embeds, Typst's
version and the font file; a build in which none of them changed never starts Typst. Its bytes
are the same on every build and machine: the one font given and no system font, and the site's
edition date (data/site.yaml) in place of the clock.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import pandas as pd

from pilotsite.errors import BuildError
from pilotsite.figures.fonts import cjk_font
from pilotsite.inputs.documents import Document, language_of
from pilotsite.pages.citable import edition_citation, published_version, version_cited
from pilotsite.pages.model import (
    EDITIONS,
    Page,
    QuotedPassage,
    SiteModel,
    document_metadata,
    figure_title,
    figures_of,
)
from pilotsite.state.fingerprint import FileHashes, package_version, sha256_bytes, sha256_file, write_atomic
from pilotsite.state.ledger import canonical

FINDINGS_PDF = "findings.pdf"  # beside the document's index.html, in each edition
TEMPLATE = "print/findings.typ"  # under site/
CACHE = "pdf-editions"  # under .build/cache/
MAX_INPUTS = 8  # files listed per figure: a corpus figure reads thousands (its inputs.csv lists them all)


_TYPESETTING = True  # False in a forked process where Typst would hang (forked_to_warm_caches)
_HAS_TYPESET = False  # whether this process (or the one it was forked from, before the fork) has typeset
_SKIPPED = False  # whether findings_pdf gave a page no PDF, in a process that may not typeset


def forked_to_warm_caches() -> None:
    """Called first in a process forked to warm caches (pages/editions.py): if the process it was
    forked from had typeset before the fork, findings_pdf typesets nothing here. Typst keeps worker
    threads from a process's first typesetting, and a forked copy has none of them: its next
    typesetting waits for them forever (a build run twice in one process, as tests do)."""
    global _TYPESETTING
    _TYPESETTING = not _HAS_TYPESET


def typesetting_skipped() -> bool:
    """Whether this process left a page without its PDF edition (see forked_to_warm_caches)."""
    return _SKIPPED


def findings_pdf(model: SiteModel, doc: Document, quotes: list[QuotedPassage]) -> Path | bytes:
    """The document's PDF edition in model's language: the cache entry (a file to link into the
    site), or the bytes when the model has no cache. quotes: its quoted passages, in_text_order."""
    data, images = findings_data(model, doc, quotes)
    template = (model.project.site / TEMPLATE).read_bytes()
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0).encode("utf-8")
    cache_dir = (
        model.catalog.cache_dir / CACHE if model.catalog is not None and model.catalog.cache_dir is not None else None
    )
    key = edition_key(template, text, images, cache_dir)
    cached = cache_dir / f"{key}.pdf" if cache_dir is not None else None
    if cached is not None and cached.is_file():
        return cached
    if not _TYPESETTING:
        global _SKIPPED
        _SKIPPED = True
        return b""  # such a process's pages are thrown away: the build typesets this one itself
    pdf = typeset(template, text, images, model.project.settings.date, f"{doc.id} ({model.language})")
    if cached is None:
        return pdf
    write_atomic(cached, pdf)
    return cached


def edition_key(template: bytes, text: bytes, images: dict[str, bytes], cache_dir: Path | None = None) -> str:
    """Everything that decides the PDF's bytes."""
    parts = [b"findings 1", template, text, package_version("typst").encode(), font_digest(cache_dir).encode()]
    parts += [f"{name} {sha256_bytes(content)}".encode() for name, content in sorted(images.items())]
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


@lru_cache(maxsize=4)
def font_digest(cache_dir: Path | None) -> str:
    """The font file's SHA-256, read again only when its size or mtime changed (hashing its
    16 MB takes 0.1 s, on every build that makes the pages)."""
    if cache_dir is None:
        return sha256_file(cjk_font())
    hashes = FileHashes(cache_dir / "font-digest.json")
    digest = hashes.sha256(cjk_font())
    hashes.save()
    return digest


def typeset(template: bytes, text: bytes, images: dict[str, bytes], date: str, label: str) -> bytes:
    """Typst's PDF of the template over findings.json and the images, in a folder of their own
    (Typst reads files only below its root)."""
    import typst

    global _HAS_TYPESET
    _HAS_TYPESET = True

    with tempfile.TemporaryDirectory(prefix="pilotsite-findings-") as folder:
        root = Path(folder)
        (root / "findings.typ").write_bytes(template)
        (root / "findings.json").write_bytes(text)
        for name, content in images.items():
            (root / name).write_bytes(content)
        fonts = root / "fonts"  # Typst takes folders of fonts: one holding only the font it may use
        fonts.mkdir()
        try:
            (fonts / cjk_font().name).symlink_to(cjk_font())
        except OSError:  # no symbolic links here
            shutil.copyfile(cjk_font(), fonts / cjk_font().name)
        when = int(datetime.fromisoformat(date).replace(tzinfo=UTC).timestamp())  # never the clock
        try:
            pdf, warnings = typst.compile_with_warnings(
                str(root / "findings.typ"),
                root=str(root),
                font_paths=[str(fonts)],
                ignore_system_fonts=True,
                timestamp=when,
            )
        except typst.TypstError as error:
            raise BuildError(f"the PDF edition of {label} could not be typeset: {error.message}") from None
    if warnings:  # a template that Typst had to guess about would not print as intended
        raise BuildError(f"the PDF edition of {label}: Typst warns: " + "; ".join(w.message for w in warnings))
    return pdf


def findings_data(
    model: SiteModel, doc: Document, quotes: list[QuotedPassage]
) -> tuple[dict[str, Any], dict[str, bytes]]:
    """What the PDF shows, as plain JSON values, and the images it embeds (name -> bytes)."""
    settings, t = model.project.settings, model.interface.text
    edition = f"{settings.site_url}/{EDITIONS[model.language]}"
    page_url = f"{edition}documents/{doc.id}/index.html"
    site_title = settings.title_in(model.language)
    figures, sources, images = [], [], {}
    corpora = tuple(c.prefix for c in model.catalog.corpora.values()) if model.catalog is not None else ()
    for number, result in enumerate(figures_of(model, doc.id), 1):
        f = result.figure
        history = model.ledger["figures"][f.id]
        latest = canonical(history)[history[-1]["version"]]  # an identical later duplicate cites the first
        cited = version_cited(model, published_version(model, f.id, latest))  # as the version's page cites it
        citation = edition_citation(model, cited)
        name = f"figure-{number}.pdf"
        images[name] = result.pdf
        lang = f.title_language(model.language)
        figures.append(
            {
                "file": name,
                "title": f.title,
                "caption": f.caption,
                "lang": lang,
                "alt": result.alt,
                "version": t(
                    "pdf.version", number=latest["number"], version=latest["version"], edition=latest["edition"]
                ),
                "citation": citation.in_edition,
                "url": cited.url,
            }
        )
        inputs = sorted(result.input_hashes, key=lambda item: item[0].startswith(corpora))  # a corpus's texts last
        more = (
            t("pdf.inputs_more", count=len(inputs) - MAX_INPUTS, url=f"{edition}figures/{f.id}/inputs.csv")
            if len(inputs) > MAX_INPUTS
            else ""
        )
        sources.append(
            {
                "figure": f.title,
                "lang": lang,
                "more": more,
                "files": [{"path": path, "sha256": digest} for path, digest in inputs[:MAX_INPUTS]],
            }
        )
    passages = [
        {
            "text": quote,
            "lang": language_of(quote),
            "url": f"{page_url}#{anchor}",
            "label": t(
                "document.quoted_by",
                passage=t("document.passage", number=number),
                figure=t("document.quoted_by_separator").join(figure_title(model, f) for f in quoting),
            ),
        }
        for number, (quote, anchor, quoting) in enumerate(quotes, 1)
    ]
    labels = {
        key: t(f"pdf.{key}")
        for key in ("metadata", "sources", "sources_note", "timeline", "online", "cite", "permanent")
    }
    labels.update(figures=t("document.figures"), quotes=t("document.quoted"))
    return {
        "lang": model.language,
        "date": settings.date,
        "authors": list(settings.authors),
        "keywords": [str(k) for k in (doc.meta.get("keywords") or []) + (doc.meta.get("keywords_zh") or [])],
        "title": {"text": doc.title, "lang": language_of(doc.title)},
        "summary": {"text": doc.meta["summary"], "lang": doc.summary_lang},
        "kicker": t("pdf.kicker", site=site_title),
        "page_url": page_url,
        "footer": t("pdf.footer", site=site_title, date=settings.date, licence=settings.licence_in(model.language)),
        "labels": labels,
        "metadata": [
            {"label": label, "value": value, "href": href}
            for label, value, href in document_metadata(model.interface, doc)
        ],
        "figures": figures,
        "sources": sources,
        "quotes": passages,
        **timeline(model, doc),
    }, images


def timeline(model: SiteModel, doc: Document) -> dict[str, Any]:
    """The document's dated events, in date order, and its ordered processes (data/timelines/)."""
    t = model.interface.text
    events = []
    for row in sorted(
        rows_about(model.events, doc.id), key=lambda row: (row["date_start"], row["date_end"], row["label"])
    ):
        span = row["date_start"] + (f"–{row['date_end']}" if row["date_end"] != row["date_start"] else "")
        events.append(
            {
                "when": row["date_text"],
                "label": row["label"],
                "lang": language_of(row["label"]),
                "range": span + (t("pdf.approximate") if bool(row["approximate"]) else ""),
                "quote": {"text": row["quote"], "lang": language_of(row["quote"])},
            }
        )
    processes: dict[str, dict[str, Any]] = {}
    for row in sorted(rows_about(model.stages, doc.id), key=lambda row: (row["process_id"], int(row["step"]))):
        process = processes.setdefault(
            row["process_id"], {"label": row["process_label"], "lang": language_of(row["process_label"]), "stages": []}
        )
        process["stages"].append(
            {
                "step": int(row["step"]),
                "label": row["label"],
                "quote": {"text": row["quote"], "lang": language_of(row["quote"])},
            }
        )
    return {"events": events, "processes": list(processes.values())}


def rows_about(table: pd.DataFrame, doc_id: str) -> list[dict[str, Any]]:
    """The rows of a timelines table about one document (a site without timelines has an empty
    table, which may have no columns)."""
    return table[table["document_id"] == doc_id].to_dict("records") if len(table) else []


def prune(cache_dir: Path, pages: list[Page]) -> Callable[[], None]:
    """What removes the cached PDFs that no page of this build links: run once the build has
    published (a build that fails keeps every entry, for the next)."""
    from pilotsite.pages.model import copied_entries
    from pilotsite.state.caching import prune_files

    return partial(prune_files, cache_dir / CACHE, "*.pdf", copied_entries(pages, FINDINGS_PDF))
