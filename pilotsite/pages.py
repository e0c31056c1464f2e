"""The site model: every page and the typed context its template receives.

Everything is gathered before anything is written (documents, figure results, timelines), so
cross-links and indexes see the whole site.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .analysis import Check
from .citation import CitedFigure, Citation, cite, dataset_json_ld, scholar_meta
from .documents import Block, Document
from .errors import BuildError, Problem
from .evidence import quote_anchor
from .ledger import canonical, distinct_versions
from .outputs import FigureResult
from .project import Project

NAV = (("Home", "index"), ("Documents", "documents/index"), ("Figures", "figures/index"),
       ("Timeline", "timeline/index"), ("Corpus studies", "corpus/index"), ("Data", "data/index"), ("Methods", "methods/index"),
       ("What changed", "changes/index"), ("Search", "search/index"))
HEADLINE_KINDS = ("policy-tools", "timeline", "keywords", "corpus")  # which figure a document leads with
RELATED_MIN_SHARED = 3  # shared top keywords for two documents to count as related
RELATED_MAX = 3
REBUILD_COMMAND = "python build.py figure {id}"
KIND_LABELS = {"policy-tools": "Policy-tool proportions", "keywords": "Keyword frequencies",
               "timeline": "Case timelines", "corpus": "Corpus studies"}  # figure kinds, in index order


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


@dataclass(frozen=True)
class Link:
    label: str
    href: str  # relative to the page that shows it
    lang: str = "en"


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool = False
    anchors: tuple[str, ...] = ()


@dataclass(frozen=True)
class TextBlock:
    kind: str
    lang: str
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class FigureCard:
    id: str
    title: str
    kind: str
    href: str
    thumbnail: str
    alt: str
    lang: str
    headline: str = ""
    documents: tuple[str, ...] = ()  # ids of the documents the figure draws on (figures index filter)


@dataclass(frozen=True)
class DocumentCard:
    id: str
    title: str
    short_title: str
    lang: str
    summary: str
    href: str
    figure_count: int
    byline: str


@dataclass(frozen=True)
class HomeContext:
    documents: tuple[DocumentCard, ...]
    findings: tuple[FigureCard, ...]


@dataclass(frozen=True)
class DocumentContext:
    document: Document
    lang: str
    metadata: tuple[tuple[str, str, str], ...]  # (label, value, href or "")
    blocks: tuple[TextBlock, ...]
    figures: tuple[FigureCard, ...]
    related: tuple[tuple[Link, str], ...]  # (document link, shared keywords)
    quotes: tuple[tuple[str, str, str], ...]  # (anchor, what cites it, figure href)


@dataclass(frozen=True)
class KeywordContextRow:
    block: Link  # the paragraph in the document page
    segments: tuple[Segment, ...]  # the paragraph, the keyword's occurrences marked
    occurrences: int


@dataclass(frozen=True)
class KeywordContext:
    document: Link
    lang: str
    keyword: str
    total: int
    rows: tuple[KeywordContextRow, ...]
    figures: tuple[Link, ...]


@dataclass(frozen=True)
class FigureContext:
    result: FigureResult
    columns: tuple[str, ...]
    rows: tuple[tuple[tuple[str, str], ...], ...]  # each cell: (text, href or "")
    documents: tuple[Link, ...]
    checks: tuple[Check, ...]
    inputs: tuple[tuple[str, str], ...]
    versions: tuple[tuple[str, str], ...]
    source_name: str
    rebuild_command: str
    citation: Citation
    history: tuple["VersionEntry", ...]
    version_href: str  # the permanent page of the version shown
    number: int
    comparisons: tuple[Comparison, ...] = ()  # every pair of versions a reader can tell apart


@dataclass(frozen=True)
class VersionEntry:
    figure: Link
    number: int
    version: str
    previous: str
    edition: str
    summary: str  # one line a person can read: "1 row changed: pilot 3.52 → 3.53"
    data_changed: tuple[str, ...]  # the data files that changed since the previous version
    code_changed: int  # analysis and engine modules, parameters and libraries that changed
    href: str  # this version's permanent page
    compare_href: str = ""  # its comparison with the version before it that a reader can tell apart
    same_as: int = 0  # the number of an earlier version with identical outputs (a legacy duplicate)
    same_as_href: str = ""  # its page
    anchor: str = ""  # this entry on the What changed page
    changes_href: str = ""  # that entry
    restores: bool = False  # the outputs went back to those of an earlier version


@dataclass(frozen=True)
class ChangesContext:
    editions: tuple[tuple[str, tuple[VersionEntry, ...]], ...]  # (edition, its new versions), newest first


@dataclass(frozen=True)
class Comparison:
    """A link to the comparison of two versions of a figure."""

    old: int
    new: int
    href: str


@dataclass(frozen=True)
class FiguresIndexContext:
    groups: tuple[tuple[str, str, tuple[FigureCard, ...]], ...]  # (kind, label, cards)
    documents: tuple[tuple[str, str], ...] = ()  # (id, short title): choices of the document filter


@dataclass(frozen=True)
class DocumentsIndexContext:
    documents: tuple[DocumentCard, ...]


@dataclass(frozen=True)
class TimelineEvent:
    date_text: str
    date_start: str
    date_end: str
    approximate: bool
    label: str
    quote: str
    document: Link
    quote_href: str


@dataclass(frozen=True)
class Process:
    label: str
    document: Link
    figure: Link
    stages: tuple[tuple[int, str, str, str], ...]  # (step, label, quote, quote href)


@dataclass(frozen=True)
class TimelineContext:
    figure: FigureCard | None
    events: tuple[TimelineEvent, ...]
    processes: tuple[Process, ...]


@dataclass(frozen=True)
class MethodsContext:
    analyses: tuple[tuple[str, str, str], ...]  # (file, docstring, source link)
    lexicon: tuple[tuple[str, str], ...]
    checks: tuple[tuple[Link, Check], ...]
    versions: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Page:
    path: str  # without extension, e.g. "figures/return-migrant-tool-types/index"
    template: str
    title: str
    lang: str
    description: str
    breadcrumbs: tuple[Link, ...]
    context: object
    files: tuple[tuple[str, bytes | Path], ...] = ()  # extra files in the page's folder (bytes, or a file to copy)
    meta: tuple[tuple[str, str], ...] = ()  # <meta name=… content=…> in the head
    json_ld: str = ""  # schema.org description, already safe for a <script> element
    redirect: str = ""  # relative URL this page forwards to
    figure_version: str = ""  # on version pages: the version shown (read by version-banner.js)
    scripts: tuple[str, ...] = ()  # relative URLs of scripts the page loads
    # Pages with a search kind are indexed by Pagefind (pilotsite/search.py); the rest are not.
    # search_filters become Pagefind filters next to the kind: (name, value) pairs.
    search_kind: str = ""
    search_filters: tuple[tuple[str, str], ...] = ()
    # Where a page's maker can name everything the page shows more cheaply than its pickled
    # model (a corpus text: its file's digest and metadata), the source cache is keyed by this.
    key_hint: str = ""

    @property
    def root(self) -> str:
        """Relative prefix from this page to the site root (every link is relative)."""
        return "../" * self.path.count("/")

    @property
    def nav(self) -> tuple[Link, ...]:
        return tuple(Link(label, self.root + target + ".html") for label, target in NAV)

    @property
    def section(self) -> str:
        return self.path.split("/")[0] if "/" in self.path else "index"


@dataclass(frozen=True)
class SearchContext:
    bundle: str  # relative URL of the folder Pagefind writes (pagefind-ui.js, pagefind-ui.css)
    corpus_bundles: tuple[str, ...] = ()  # relative URLs of the corpora's bundles, merged into results


@dataclass(frozen=True)
class VersionContext:
    meta: dict  # frozen at publication: history/figures/<id>/<version>/meta.json
    columns: tuple[str, ...]
    rows: tuple[tuple[tuple[str, str], ...], ...]
    documents: tuple[Link, ...]
    citation: Citation
    source_name: str
    source: str
    latest_href: str
    history_href: str
    same_as: Link | None = None  # the earlier version whose outputs this one repeats exactly
    compare: Link | None = None  # the comparison with the version before it that a reader can tell apart


@dataclass(frozen=True)
class CompareContext:
    figure: Link
    old: Link  # the two version pages
    new: Link
    old_image: str
    new_image: str
    summary: str
    diff: object  # datadiff.DataDiff
    shown: int  # rows of each kind shown (diff.csv has them all)
    text_changes: tuple[tuple[str, str, str], ...]  # (what, old, new) for the title, caption, alt text, notes


@dataclass(frozen=True)
class RedirectContext:
    target: Link
    note: str


@dataclass(frozen=True)
class CatalogueEntry:
    name: str
    title: str
    description: str
    csv_href: str
    figure: Link
    fields: tuple[tuple[str, str, str, str], ...]  # name, type, unit, description
    primary_key: tuple[str, ...]


@dataclass(frozen=True)
class CatalogueContext:
    entries: tuple[CatalogueEntry, ...]
    licence: dict


@dataclass
class SiteModel:
    project: Project
    documents: dict[str, Document]
    results: dict[str, FigureResult]
    events: pd.DataFrame
    stages: pd.DataFrame
    lexicon_summary: tuple[tuple[str, str], ...]
    versions: dict[str, str]
    ledger: dict = field(default_factory=dict)
    history_files: dict[str, bytes] = field(default_factory=dict)  # versions recorded by this build
    catalog: object = None  # the validated inputs (corpus pages read the corpora and token cache)
    evidence: dict = field(default_factory=dict)  # corpus id -> (column, value) -> evidence page path
    not_drawn: list = field(default_factory=list)  # analysis.NotDrawn: figures this data cannot give, and why
    corpus_evidence: dict = field(default_factory=dict)  # corpus id -> evidence item key -> corpus_pages.Evidence
    search_bundles: dict = field(default_factory=dict)  # corpus id -> search.corpus_bundles()


def figure_href(root: str, figure_id: str) -> str:
    return f"{root}figures/{figure_id}/index.html"


def document_href(root: str, doc_id: str, anchor: str = "") -> str:
    return f"{root}documents/{doc_id}/index.html" + (f"#{anchor}" if anchor else "")


def document_lang(doc: Document) -> str:
    return doc.languages[0]


def figure_card(result: FigureResult, root: str) -> FigureCard:
    f = result.figure
    return FigureCard(id=f.id, title=f.title, kind=f.kind, href=figure_href(root, f.id),
                      thumbnail=f"{root}figures/{f.id}/figure.png", alt=result.alt, lang=f.lang,
                      headline=result.headline, documents=tuple(f.documents))


def byline(doc: Document) -> str:
    parts = [", ".join(doc.meta.get("authors") or []) or "Author not stated"]
    if doc.meta.get("year"):
        parts.append(str(doc.meta["year"]))
    if doc.meta.get("venue"):
        parts.append(doc.meta["venue"])
    return " · ".join(parts)


def document_card(doc: Document, figure_count: int, root: str) -> DocumentCard:
    return DocumentCard(id=doc.id, title=doc.title, short_title=doc.short_title, lang=document_lang(doc),
                        summary=doc.meta["summary"], href=document_href(root, doc.id),
                        figure_count=figure_count, byline=byline(doc))


def figures_of(model: SiteModel, doc_id: str) -> list[FigureResult]:
    return [r for r in model.results.values() if doc_id in r.figure.documents]


def related_documents(model: SiteModel) -> dict[str, list[tuple[str, str, int]]]:
    """Up to RELATED_MAX documents sharing at least RELATED_MIN_SHARED top keywords, most shared first."""
    related: dict[str, list[tuple[str, str, int]]] = {d: [] for d in model.documents}
    overlap = model.results.get("keyword-overlap")
    if overlap is None:
        return related
    for _, row in overlap.data.iterrows():
        shared = int(row["shared_count"])
        if shared >= RELATED_MIN_SHARED:
            related[row["document_a"]].append((row["document_b"], row["shared_keywords"], shared))
            related[row["document_b"]].append((row["document_a"], row["shared_keywords"], shared))
    return {d: sorted(items, key=lambda x: (-x[2], x[0]))[:RELATED_MAX] for d, items in related.items()}


def quoted_passages(model: SiteModel) -> dict[str, dict[str, tuple[str, str]]]:
    """doc id -> quote -> (anchor, id of the first figure whose data quotes it)."""
    passages: dict[str, dict[str, tuple[str, str]]] = {d: {} for d in model.documents}
    for result in model.results.values():
        data = result.data
        if "quote" in data.columns and "document_id" in data.columns:
            for doc_id, quote in zip(data["document_id"], data["quote"]):
                passages[doc_id].setdefault(quote, (quote_anchor(doc_id, quote), result.figure.id))
    return passages


def highlight(block: Block, quotes: dict[str, tuple[str, str]]) -> TextBlock:
    """Split a block into plain and highlighted segments, with an anchor where each quote starts."""
    spans = []
    for quote, (anchor, _) in quotes.items():
        start = block.text.find(quote)
        if start >= 0:
            spans.append((start, start + len(quote), anchor))
    spans.sort()
    merged: list[list] = []
    for start, end, anchor in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2].append(anchor)
        else:
            merged.append([start, end, [anchor]])
    segments, cursor = [], 0
    for start, end, anchors in merged:
        if start > cursor:
            segments.append(Segment(block.text[cursor:start]))
        segments.append(Segment(block.text[start:end], True, tuple(dict.fromkeys(anchors))))
        cursor = end
    if cursor < len(block.text):
        segments.append(Segment(block.text[cursor:]))
    return TextBlock(block.kind, block.lang, tuple(segments))


def document_metadata(doc: Document) -> tuple[tuple[str, str, str], ...]:
    m = doc.meta
    rows = [("Authors", ", ".join(m.get("authors") or []) or "Not stated in the source", "")]
    for label, key in (("Kind", "kind"), ("Venue", "venue"), ("Volume", "volume"), ("Issue", "issue"),
                       ("Pages", "pages"), ("Year", "year"), ("Date", "date")):
        if m.get(key):
            rows.append((label, str(m[key]), ""))
    if m.get("doi"):
        rows.append(("DOI", str(m["doi"]), f"https://doi.org/{m['doi']}"))
    if m.get("url") and not m.get("doi"):
        rows.append(("URL", str(m["url"]), str(m["url"])))
    rows.append(("Languages", ", ".join(doc.languages), ""))
    keywords = list(m.get("keywords") or []) + list(m.get("keywords_zh") or [])
    if keywords:
        rows.append(("Author keywords", "; ".join(keywords), ""))
    rows.append(("Source file", f"{m['source_file']} (SHA-256 {m.get('source_sha256') or 'not recorded'})", ""))
    if m.get("notes"):
        rows.append(("Notes", str(m["notes"]), ""))
    return tuple(rows)


def table_rows(data: pd.DataFrame, root: str, evidence: dict | None = None) -> tuple[tuple[tuple[str, str], ...], ...]:
    """A figure's data as table cells; quotes link to their highlighted passage, corpus keywords
    and sub-tools to their evidence pages."""
    rows, columns = [], list(data.columns)
    for values in data.itertuples(index=False, name=None):
        row = dict(zip(columns, values))
        cells = []
        for column in columns:
            value = text = row[column]
            href = ""
            if column == "quote" and "document_id" in data.columns:
                href = document_href(root, row["document_id"], quote_anchor(row["document_id"], value))
            elif column in ("document_id", "document_a", "document_b"):
                href = document_href(root, str(value))
            elif evidence and (column, value) in evidence:
                href = root + evidence[(column, value)]
            cells.append((text, href))
        rows.append(tuple(cells))
    return tuple(rows)


def keyword_path(doc_id: str, lang: str, keyword: str) -> str:
    """The page of a document keyword's contexts (hashed: keywords may be any Unicode)."""
    digest = hashlib.sha256(f"{lang}\n{keyword}".encode("utf-8")).hexdigest()[:10]
    return f"documents/{doc_id}/keywords/{lang}-{digest}/index.html"


def marked_segments(text: str, keyword: str, lang: str) -> tuple[Segment, ...]:
    """The text with each occurrence of keyword marked (as a whole word, for English)."""
    pattern = re.escape(keyword) if lang == "zh" else r"(?<![\w'-])" + re.escape(keyword) + r"(?![\w'-])"
    segments, at = [], 0
    for match in re.finditer(pattern, text, flags=0 if lang == "zh" else re.IGNORECASE):
        if match.start() > at:
            segments.append(Segment(text[at:match.start()]))
        segments.append(Segment(match.group(0), marked=True))
        at = match.end()
    if at < len(text):
        segments.append(Segment(text[at:]))
    return tuple(segments)


def block_tokens(model: SiteModel, doc: Document, lang: str, min_chars: int) -> list[list[str]]:
    """The counted tokens of each block of a document in one language (other blocks: none),
    tokenised as the keyword analyses do. Kept in the build cache by the text, the lexicon and
    the tokeniser's code, so a rebuild does not start jieba for pages whose text is unchanged."""
    import json

    from . import text
    from .fingerprint import package_version, write_atomic

    parts = [doc.text, lang, str(min_chars), package_version("jieba"), Path(text.__file__).read_text(encoding="utf-8")]
    parts += [(model.project.root / name).read_text(encoding="utf-8") for name in text.LEXICON_FILES]
    key = hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()
    cache = (model.catalog.cache_dir / "keyword-blocks" / f"{key}.json"
             if model.catalog is not None and model.catalog.cache_dir is not None else None)
    if cache is not None and cache.is_file():
        return json.loads(cache.read_text(encoding="utf-8"))
    lexicon = text.load_lexicon(model.project.root)
    found = [text.tokens(b.text, lang, lexicon, min_chars) if b.lang == lang else [] for b in doc.blocks]
    if cache is not None:
        write_atomic(cache, json.dumps(found, ensure_ascii=False).encode("utf-8"))
    return found


def keyword_context_pages(model: SiteModel) -> tuple[list[Page], dict[str, dict]]:
    """A page per keyword of each document keyword figure, listing every paragraph where the
    keyword was counted (tokenised exactly as the figure's analysis did), linked to that paragraph.
    Returns the pages and, per figure id, the links for its data table."""
    pages, links, found = [], {}, {}
    for result in sorted(model.results.values(), key=lambda r: r.figure.id):
        data = result.data
        if result.figure.kind != "keywords" or not {"document_id", "lang", "keyword"} <= set(data.columns):
            continue
        min_chars = int(result.figure.params.get("min_chars", 2))
        for doc_id, lang, keyword in zip(data["document_id"], data["lang"], data["keyword"]):
            path = keyword_path(doc_id, lang, keyword)
            links.setdefault(result.figure.id, {})[("keyword", keyword)] = path
            found.setdefault(path, (doc_id, lang, keyword, min_chars, []))[4].append(result.figure)
    root = "../../../../"
    tokenised: dict[tuple, list[list[str]]] = {}
    for path, (doc_id, lang, keyword, min_chars, figures) in sorted(found.items()):
        doc = model.documents[doc_id]
        if (doc_id, lang, min_chars) not in tokenised:
            tokenised[(doc_id, lang, min_chars)] = block_tokens(model, doc, lang, min_chars)
        rows = []
        for number, (block, words) in enumerate(zip(doc.blocks, tokenised[(doc_id, lang, min_chars)]), 1):
            count = words.count(keyword)
            if count:
                rows.append(KeywordContextRow(Link(f"paragraph {number}", f"{root}documents/{doc_id}/index.html#p-{number}"),
                                              marked_segments(block.text, keyword, lang), count))
        pages.append(Page(
            path[: -len(".html")], "keyword_contexts.qmd.j2", f"“{keyword}” in {doc.short_title}", lang,
            f"Every paragraph of {doc.short_title} in which the keyword {keyword} was counted.",
            (Link("Home", root + "index.html"), Link("Documents", root + "documents/index.html"),
             Link(doc.short_title, root + f"documents/{doc_id}/index.html"), Link(keyword, "")),
            KeywordContext(Link(doc.title, root + f"documents/{doc_id}/index.html"), lang, keyword,
                           sum(r.occurrences for r in rows), tuple(rows),
                           tuple(Link(f.title, figure_href(root, f.id)) for f in figures)),
        ))
    return pages, links


def compare_path(figure_id: str, old: str, new: str) -> str:
    return f"figures/{figure_id}/compare/{old}-{new}/index.html"


def version_entries(model: SiteModel, root: str) -> list[VersionEntry]:
    """Every recorded figure version, newest edition first and, within an edition, a figure's
    newest version first."""
    entries = []
    for figure_id, history in model.ledger.get("figures", {}).items():
        first = canonical(history)
        distinct = distinct_versions(history)
        for position, item in enumerate(history, 1):
            anchor = f"{figure_id}-{item['version']}" + (f"-{position}" if item.get("restores") else "")
            before = [e for e in distinct if e["number"] < first[item["version"]]["number"]]
            changed = item.get("changed", [])
            same = first[item["version"]]
            entries.append(VersionEntry(
                figure=Link(figure_id, figure_href(root, figure_id) if figure_id in model.results else ""),
                number=item["number"], version=item["version"], previous=item["previous"] or "", edition=item["edition"],
                summary=item.get("summary", ""), data_changed=tuple(n[5:] for n in changed if n.startswith("data:")),
                code_changed=sum(1 for n in changed if not n.startswith("data:")),
                href=f"{root}figures/{figure_id}/v/{item['version']}/index.html",
                compare_href=(root + compare_path(figure_id, before[-1]["version"], same["version"])
                              if before and not item.get("same_as") and not item.get("restores") else ""),
                same_as=same["number"] if item.get("same_as") else 0,
                same_as_href=f"{root}figures/{figure_id}/v/{same['version']}/index.html" if item.get("same_as") else "",
                anchor=anchor, changes_href=f"{root}changes/index.html#{anchor}", restores=bool(item.get("restores")),
            ))
    return sorted(entries, key=lambda e: (e.edition, e.figure.label, e.number, e.restores), reverse=True)


def editions(entries: list[VersionEntry]) -> tuple[tuple[str, tuple[VersionEntry, ...]], ...]:
    grouped: dict[str, list[VersionEntry]] = {}
    for entry in sorted(entries, key=lambda e: e.edition, reverse=True):
        grouped.setdefault(entry.edition, []).append(entry)
    return tuple((edition, tuple(items)) for edition, items in grouped.items())


def comparisons(model: SiteModel, figure_id: str, root: str) -> tuple[Comparison, ...]:
    """Every pair of a figure's versions that a reader can tell apart, newest pairs first."""
    distinct = distinct_versions(model.ledger.get("figures", {}).get(figure_id, []))
    return tuple(Comparison(a["number"], b["number"], root + compare_path(figure_id, a["version"], b["version"]))
                 for j, b in reversed(list(enumerate(distinct))) for a in reversed(distinct[:j]))


def absolute(model: SiteModel, path: str) -> str:
    return f"{model.project.settings.site_url}/{path}"


def cited_figure(model: SiteModel, figure_id: str, entry: dict, title: str, documents: list[tuple[str, str]]) -> CitedFigure:
    settings = model.project.settings
    return CitedFigure(
        figure_id=figure_id, title=title, number=entry["number"], version=entry["version"], edition=entry["edition"],
        url=absolute(model, f"figures/{figure_id}/v/{entry['version']}/"), authors=settings.authors,
        publisher=settings.title, documents=tuple(documents), licence=settings.licence,
    )


def inputs_csv(inputs: tuple[tuple[str, str], ...]) -> bytes:
    """The files a figure was made from, with their SHA-256: a corpus figure has thousands."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["file", "sha256"])
    writer.writerows(inputs)
    return buffer.getvalue().encode("utf-8")


def citation_files(citation: Citation) -> tuple[tuple[str, bytes], ...]:
    return (("cite.bib", citation.bibtex.encode("utf-8")), ("cite.ris", citation.ris.encode("utf-8")),
            ("cite.json", citation.csl_json.encode("utf-8")))


def distribution(model: SiteModel, folder: str) -> dict[str, str]:
    return {absolute(model, folder + "data.csv"): "text/csv", absolute(model, folder + "figure.svg"): "image/svg+xml",
            absolute(model, folder + "figure.png"): "image/png"}


def document_urls(model: SiteModel, doc_ids) -> list[str]:
    urls = []
    for doc_id in doc_ids:
        meta = model.documents[doc_id].meta if doc_id in model.documents else {}
        urls.append(f"https://doi.org/{meta['doi']}" if meta.get("doi") else (meta.get("url") or absolute(model, f"documents/{doc_id}/index.html")))
    return urls


def build_pages(model: SiteModel) -> list[Page]:
    """Every page of the site, with its context; two pages claiming one path is an error."""
    settings = model.project.settings
    pages: list[Page] = []
    home = Link("Home", "")
    results = sorted(model.results.values(), key=lambda r: r.figure.id)
    related = related_documents(model)
    passages = quoted_passages(model)

    def crumbs(root: str, *trail: Link) -> tuple[Link, ...]:
        return (Link("Home", root + "index.html"), *trail)

    # Home: the documents and one headline finding per document.
    findings, cards = [], []
    for doc in model.documents.values():
        own = figures_of(model, doc.id)
        cards.append(document_card(doc, len(own), ""))
        lead = sorted((r for r in own if len(r.figure.documents) == 1),
                      key=lambda r: (r.figure.headline is None, r.figure.lang != document_lang(doc), HEADLINE_KINDS.index(r.figure.kind), r.figure.id))
        if lead:
            findings.append(figure_card(lead[0], ""))
    pages.append(Page("index", "index.qmd.j2", settings.title, "en",
                      f"{settings.title}: documents, figures, data and code.", (), HomeContext(tuple(cards), tuple(findings))))

    root = "../"
    pages.append(Page("documents/index", "documents.qmd.j2", "Documents", "en", "The source documents.",
                      crumbs(root, Link("Documents", "")),
                      DocumentsIndexContext(tuple(document_card(d, len(figures_of(model, d.id)), root) for d in model.documents.values()))))
    groups = []
    for kind, label in KIND_LABELS.items():
        cards_of_kind = tuple(figure_card(r, root) for r in results if r.figure.kind == kind)
        if cards_of_kind:
            groups.append((kind, label, cards_of_kind))
    pages.append(Page("figures/index", "figures.qmd.j2", "Figures", "en", "Every figure, with its data and code.",
                      crumbs(root, Link("Figures", "")),
                      FiguresIndexContext(tuple(groups), tuple((d.id, d.short_title) for d in model.documents.values())),
                      scripts=(f"{root}assets/figure-filters.js",)))

    # Document pages.
    root = "../../"
    for doc in model.documents.values():
        quotes = passages[doc.id]
        blocks = tuple(highlight(b, quotes) for b in doc.blocks)
        placed = {a for b in blocks for s in b.segments for a in s.anchors}
        lost = [q for q, (a, _) in quotes.items() if a not in placed]
        if lost:
            raise BuildError([Problem(doc.text_path, f"quote spans more than one paragraph, so it cannot be highlighted: \"{q[:80]}\"") for q in lost])
        pages.append(Page(
            f"documents/{doc.id}/index", "document.qmd.j2", doc.title, document_lang(doc), doc.meta["summary"],
            crumbs(root, Link("Documents", root + "documents/index.html"), Link(doc.short_title, "")),
            DocumentContext(
                document=doc, lang=document_lang(doc), metadata=document_metadata(doc), blocks=blocks,
                figures=tuple(figure_card(r, root) for r in figures_of(model, doc.id)),
                related=tuple((Link(model.documents[o].short_title, document_href(root, o)), kw) for o, kw, _ in related[doc.id]),
                quotes=tuple((a, fid, figure_href(root, fid)) for q, (a, fid) in sorted(quotes.items(), key=lambda x: x[1])),
            ),
            search_kind="document", search_filters=(("document", doc.short_title),),
        ))

    # Where each document keyword was counted, linked from the keyword figures' data tables.
    context_pages, keyword_links = keyword_context_pages(model)
    pages.extend(context_pages)

    # Figure pages: the latest version of each figure, cited by its permanent version URL.
    for result in results:
        f = result.figure
        history = model.ledger["figures"][f.id]
        latest = canonical(history)[history[-1]["version"]]  # an identical later duplicate cites the first
        cited = cited_figure(model, f.id, latest, f.title, [(model.documents[d].title, model.documents[d].reference) for d in f.documents])
        citation = cite(cited)
        source_name = Path(f.analysis).name
        pages.append(Page(
            f"figures/{f.id}/index", "figure.qmd.j2", f.title, "en", f.caption,
            crumbs(root, Link("Figures", root + "figures/index.html"), Link(f.id, "")),
            FigureContext(
                result=result, columns=tuple(result.data.columns),
                rows=table_rows(result.data, root, model.evidence.get(f.params.get("corpus"), {}) if f.kind == "corpus"
                                else keyword_links.get(f.id)),
                documents=tuple(Link(model.documents[d].short_title, document_href(root, d)) for d in f.documents),
                checks=result.checks, inputs=result.input_hashes,
                versions=tuple(sorted(model.versions.items())), source_name=source_name,
                rebuild_command=REBUILD_COMMAND.format(id=f.id), citation=citation,
                history=tuple(e for e in version_entries(model, root) if e.figure.label == f.id),
                version_href=f"v/{latest['version']}/index.html", number=latest["number"],
                comparisons=comparisons(model, f.id, root),
            ),
            files=(("figure.svg", result.svg), ("figure.png", result.png), ("data.csv", result.csv),
                   (source_name, result.source.encode("utf-8")), ("inputs.csv", inputs_csv(result.input_hashes)))
            + citation_files(citation),
            meta=scholar_meta(cited),
            json_ld=dataset_json_ld(cited, f.caption, distribution(model, f"figures/{f.id}/"), document_urls(model, f.documents)),
            search_kind="figure",
            search_filters=tuple(("document", model.documents[d].short_title) for d in f.documents) + (("analysis", kind_label(f.kind)),),
            scripts=(f"{root}assets/compare.js",),
        ))

    # Timeline and methods.
    root = "../"
    events = tuple(
        TimelineEvent(row["date_text"], row["date_start"], row["date_end"], bool(row["approximate"]), row["label"],
                      row["quote"], Link(model.documents[row["document_id"]].short_title, document_href(root, row["document_id"])),
                      document_href(root, row["document_id"], row["anchor"]))
        for _, row in model.events.iterrows())
    processes = []
    for process_id, steps in model.stages.groupby("process_id", sort=True):
        doc_id = steps["document_id"].iloc[0]
        processes.append(Process(
            steps["process_label"].iloc[0], Link(model.documents[doc_id].short_title, document_href(root, doc_id)),
            Link("Figure", figure_href(root, f"{process_id}-stages")),
            tuple((int(s["step"]), s["label"], s["quote"], document_href(root, doc_id, s["anchor"])) for _, s in steps.iterrows())))
    combined = model.results.get("case-timelines-combined")
    pages.append(Page("timeline/index", "timeline.qmd.j2", "Timeline of the cases", "en",
                      "Dated events and ordered stages across the cases, each quoted from its source.",
                      crumbs(root, Link("Timeline", "")),
                      TimelineContext(figure_card(combined, root) if combined else None, events, tuple(processes)),
                      search_kind="timeline"))
    analyses = sorted({r.figure.analysis for r in results})
    docstrings = {r.figure.analysis: r.source for r in results}
    pages.append(Page("methods/index", "methods.qmd.j2", "Methods", "en",
                      "Tokenisation, dictionaries, stopwords, consistency checks and software versions.",
                      crumbs(root, Link("Methods", "")),
                      MethodsContext(
                          analyses=tuple((a, module_docstring(docstrings[a]), figure_href(root, next(r.figure.id for r in results if r.figure.analysis == a))) for a in analyses),
                          lexicon=model.lexicon_summary,
                          checks=tuple((Link(r.figure.id, figure_href(root, r.figure.id)), c) for r in results for c in r.checks),
                          versions=tuple(sorted(model.versions.items()))),
                      search_kind="methods"))

    from .citable import version_pages, data_catalogue_page
    from .corpus_pages import corpus_pages

    if model.catalog is not None:
        pages += corpus_pages(model, model.catalog)
    pages += version_pages(model)
    pages.append(data_catalogue_page(model))
    pages.append(Page("changes/index", "changes.qmd.j2", "What changed", "en",
                      "Every figure version the build has published, with the inputs and data rows that changed.",
                      crumbs(root, Link("What changed", "")), ChangesContext(editions(version_entries(model, root)))))
    pages.append(Page("search/index", "search.qmd.j2", "Search", "en",
                      "Search the documents, figures, timeline and corpus texts, in Chinese or English.",
                      crumbs(root, Link("Search", "")), SearchContext(f"{root}pagefind/", tuple(f"{root}{folder}/" for bundles in model.search_bundles.values()
                                                                for folder, _ in bundles)),
                      scripts=(f"{root}pagefind/pagefind-ui.js", f"{root}assets/search.js")))

    counts = Counter(p.path for p in pages)
    duplicates = sorted(p for p, n in counts.items() if n > 1)
    if duplicates:
        raise BuildError(f"two pages claim the same path: {', '.join(duplicates)}")
    return pages


def module_docstring(source: str) -> str:
    import ast
    return ast.get_docstring(ast.parse(source)) or ""
