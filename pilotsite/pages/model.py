"""The site model: every page, the typed context its template receives, and the links,
tables and citations that pages share.

Everything is gathered before anything is written (documents, figure results, timelines), so
cross-links and indexes see the whole site.
"""

from __future__ import annotations

import itertools
import posixpath
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol, cast

import pandas as pd

from pilotsite.errors import BuildError, Problem
from pilotsite.figures.figure import Catalog, Check, NotDrawn
from pilotsite.figures.outputs import FigureResult
from pilotsite.inputs.documents import Block, Document
from pilotsite.inputs.interface import LANGUAGES, Interface, Listed, Text, catalogued
from pilotsite.inputs.project import Project, SiteSettings, in_edition
from pilotsite.inputs.schemas import doi_url
from pilotsite.inputs.timelines import quote_anchor
from pilotsite.pages.charts import THUMBNAIL, ScaledImages, png_size
from pilotsite.pages.citation import CFF_FILE, Citation, CitedFigure, Licence, RenderedReferences
from pilotsite.pages.previews import CARD_PIXELS, SITE_CARD
from pilotsite.state.datadiff import CELLS_NAMED
from pilotsite.state.ledger import (
    SHOWN_TEXT,
    VERSION_FOLDER,
    canonical,
    distinct_versions,
    history_json,
    kept_translations,
    text_changes,
)

# The site's sections, in the navigation's order; each label is the text of nav.<section> in the
# interface's catalogue (data/i18n/).
NAV = (
    "index",
    "documents/index",
    "figures/index",
    "timeline/index",
    "corpus/index",
    "data/index",
    "methods/index",
    "changes/index",
    "search/index",
)
HEADLINE_KINDS = ("policy-tools", "timeline", "keywords", "corpus")  # which figure a document leads with
RELATED_MIN_SHARED = 3  # shared top keywords for two documents to count as related
RELATED_MAX = 3
REBUILD_COMMAND = "python build.py figure {id}"
FIGURE_KINDS = ("policy-tools", "keywords", "timeline", "corpus")  # in index order; labels: kind.<kind> in data/i18n/
# The site's editions: language -> the folder its pages are in. The English edition keeps the
# site's first URLs (published links and citations never break); every page has its twin in the
# Chinese edition under zh/, at the same path below it.
EDITIONS = {"en": "", "zh": "zh/"}
DEFAULT_LAYOUT = "page.html.j2"
# The kinds of page search indexes, each a Pagefind filter value (the catalogues' search.kind.*).
SEARCH_KINDS = ("document", "figure", "timeline", "methods", "evidence", "corpus text")


def edition_bundle(folder: str, language: str) -> str:
    """A search bundle of a corpus's evidence pages in an edition (publishing/search.py): each
    edition indexes its own, in its own words (zh/corpus/<id>/search/evidence/)."""
    return EDITIONS[language] + folder


def kind_label(interface: Interface, kind: str) -> str:
    return interface.text(f"kind.{kind.replace('-', '_')}") if kind in FIGURE_KINDS else kind


def in_words(text: str | Text) -> str:
    """A discovered figure's title, caption or note, or a NotDrawn's title or reason, as the str
    it is here: the loader put each Text into words (figures/figure.py: _with_texts,
    NotDrawn.resolved), and the translations it keeps are words too."""
    return cast(str, text)


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
    thumbnail: str  # a small PNG for cards (embeds.embed_files)
    alt: str
    lang: str
    image: str = ""  # the full PNG
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
    summary_lang: str = "en"


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
    quotes: tuple[tuple[str, str, tuple[Link, ...]], ...]  # (anchor, the passage's opening, the figures quoting it)
    pdf_edition: str = ""  # the findings' PDF edition beside the page (pdf_edition.py), "" when there is none
    pdf_kb: int = 0  # its size
    not_drawn: tuple[tuple[str, str], ...] = ()  # (title, why) of the figures of the document its data cannot give


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
    inputs: tuple[tuple[str, str], ...]  # the first INPUTS_SHOWN of the files it was made from (inputs.csv: all)
    inputs_count: int
    versions: tuple[tuple[str, str], ...]
    source_name: str
    rebuild_command: str
    citation: Citation
    history: tuple[VersionEntry, ...]
    version_href: str  # the permanent page of the version shown
    number: int
    comparisons: tuple[Comparison, ...] = ()  # every pair of versions a reader can tell apart
    chart: str = ""  # the SVG inline, its marks linked to their evidence (charts.py)
    embed_code: str = ""  # the <iframe> that embeds the figure's view in another page (embeds.py)
    bundle_href: str = ""  # the current version's deposit bundle (bundle.py), in the reference edition's folder


@dataclass(frozen=True)
class VersionEntry:
    figure: Link
    number: int
    version: str
    previous: str
    edition: str
    summary: str  # one line a person can read: "1 row changed: pilot 3.52 → 3.53"
    # the first DATA_CHANGED_SHOWN of the data files that changed since the previous version, and
    # how many changed (a corpus figure's first version: every text)
    data_changed: tuple[str, ...]
    data_changed_count: int
    code_changed: int  # analysis and engine modules, parameters and libraries that changed (not texts)
    href: str  # this version's permanent page
    compare_href: str = ""  # its comparison with the version before it that a reader can tell apart
    same_as: int = 0  # the number of an earlier version with identical outputs (a legacy duplicate)
    same_as_href: str = ""  # its page
    anchor: str = ""  # this entry on the What changed page
    changes_href: str = ""  # that entry
    restores: bool = False  # the outputs went back to those of an earlier version
    position: int = 0  # its place in the figure's ledger, oldest first: the order things happened
    current: bool = False  # the version the figure's page shows now (the ledger's last entry)


DATA_CHANGED_SHOWN = 10  # the changed data files the What changed page names per version


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
    derived: str = (
        ""  # the page of the figure whose corpus data it comes from (a first use); "" when quoted from a document
    )


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
    analyses: tuple[
        tuple[str, str, str, str, str], ...
    ]  # (file, description, its language, untranslated note, source link)
    lexicon: tuple[tuple[str, str], ...]
    checks: tuple[tuple[Link, Check], ...]
    versions: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class NotFoundContext:
    nav: tuple[tuple[str, str], ...]  # where to go instead: the site's sections (SiteModel.nav)
    other_homes: tuple[tuple[str, str], ...]  # (language, href) of each other edition's home page


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
    # The address the page's relative URLs resolve against (<base href>), from the site's root:
    # the not-found page, which a host serves at whatever address was asked for.
    base: str = ""
    figure_version: str = ""  # on version pages: the version shown (read by version-banner.js)
    # The words of the title in lang where the edition's words surround them (a version's page in
    # Chinese of a figure titled in English: "Title（第 2 版）"); empty: the whole title is in lang.
    title_words: str = ""
    colophon: Colophon | None = None  # what the footer names, where it is not the site's
    scripts: tuple[str, ...] = ()  # relative URLs of scripts the page loads
    feeds: tuple[
        tuple[str, str], ...
    ] = ()  # (title, relative URL) of the Atom feeds the page announces (pages/feeds.py)
    layout: str = (
        DEFAULT_LAYOUT  # the layout around its body (site/layouts/): embedded views have one without the site's chrome
    )
    # Pages with a search kind (one of SEARCH_KINDS) are indexed by Pagefind
    # (pilotsite/publishing/search.py); the rest are not. search_filters become Pagefind filters
    # next to the kind: (name, value) pairs.
    search_kind: str = ""
    search_filters: tuple[tuple[str, str], ...] = ()
    # The title's words, space-separated, Chinese segmented by jieba: Pagefind's own title field
    # splits only at spaces, so a Chinese title would never match a word in it (see search_words()).
    search_title: str = ""
    # Other names of what the page is about, ranked as its title is (a sub-tool's evidence page
    # in English is found first for the sub-tool's Chinese name, 社会保障, too).
    search_aliases: tuple[str, ...] = ()
    # Words a page is found by but does not show in its results' excerpts: a corpus text's id and
    # metadata values (its <dl> is not indexed, whose labels would read "Levellocal" there).
    search_details: str = ""
    # Where a page's maker can name everything the page shows more cheaply than its pickled
    # model (a corpus text: its file's digest and metadata), the source cache is keyed by this.
    key_hint: str = ""
    language: str = "en"  # the edition this page belongs to (EDITIONS); lang is its content's language

    def __post_init__(self) -> None:
        if self.search_kind and self.search_kind not in SEARCH_KINDS:
            raise ValueError(f"{self.path}: search kind {self.search_kind!r} is not one of SEARCH_KINDS")

    @property
    def root(self) -> str:
        """Relative prefix from this page to the root of its edition (every link is relative):
        a page's links to other pages lead to pages of its own edition."""
        return "../" * (self.path.count("/") - EDITIONS[self.language].count("/"))

    @property
    def site_root(self) -> str:
        """Relative prefix from this page to the site root, where the assets, the web fonts and
        the site-level files are (one copy for both editions)."""
        return "../" * self.path.count("/")

    @property
    def edition_path(self) -> str:
        """The page's path within its edition: the same for its twins in every edition."""
        return self.path[len(EDITIONS[self.language]) :]

    def twins(self) -> tuple[tuple[str, str], ...]:
        """(language, address from the site root: folder_address) of this page in every edition,
        itself included."""
        return tuple(
            (language, folder_address(f"{folder}{self.edition_path}.html")) for language, folder in EDITIONS.items()
        )

    def twin_href(self, language: str) -> str:
        """The relative URL of this page in another edition (the language switch)."""
        return f"{self.site_root}{EDITIONS[language]}{self.edition_path}.html"

    def nav_links(self, nav: tuple[tuple[str, str], ...], interface: Interface) -> tuple[Link, ...]:
        """The site navigation (SiteModel.nav: the sections this site has), linked from this page
        to its edition's pages, labelled in its edition's language."""
        return tuple(
            Link(interface.text(f"nav.{target.split('/')[0]}", self.language), self.root + target + ".html")
            for _, target in nav
        )

    @property
    def canonical_path(self) -> str:
        """The page's address from the site root, as its <link rel="canonical"> gives it: a
        redirect names the page it forwards to, an embedded view its full page."""
        if self.redirect:
            target = self.redirect.split("#", 1)[0]
            return folder_address(posixpath.normpath(posixpath.join(posixpath.dirname(self.path), target)))
        if self.layout != DEFAULT_LAYOUT:  # an embedded view (pages/embeds.py): its full page
            return folder_address(posixpath.join(posixpath.dirname(self.path), "index.html"))
        return folder_address(f"{self.path}.html")

    @property
    def preview_image(self) -> str:
        """The image a link preview shows, from the site root: a figure's or a figure version's
        own PNG (in the page's folder), else the site card (pages/previews.py)."""
        if self.layout != DEFAULT_LAYOUT or any(
            name == "figure.png" for name, _ in self.files
        ):  # an embedded view: its figure's
            return posixpath.join(posixpath.dirname(self.path), "figure.png")
        return SITE_CARD

    @property
    def preview_size(self) -> tuple[int, int] | None:
        """The preview image's width and height in pixels, which a link preview is drawn at before
        the image arrives (og:image:width): the site card's, or the page's own figure.png's (from
        its header); unknown for an embedded view, whose figure.png is its full page's file."""
        if self.preview_image == SITE_CARD:
            return CARD_PIXELS
        for name, content in self.files:
            if name == "figure.png":
                if isinstance(content, bytes):
                    head = content[:24]
                else:
                    with content.open("rb") as image:
                        head = image.read(24)
                if head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR":
                    return png_size(head)
        return None

    @property
    def section(self) -> str:
        path = self.edition_path
        return path.split("/")[0] if "/" in path else "index"


@dataclass(frozen=True)
class SearchContext:
    bundle: str  # relative URL of the folder Pagefind writes (pagefind-ui.js, pagefind-ui.css)
    corpus_bundles: tuple[str, ...] = ()  # relative URLs of the corpora's text bundles, merged into results
    edition_bundles: tuple[str, ...] = ()  # those of the corpora's evidence bundles in this edition
    # The filters' names and the kinds of page as the edition says them, keyed as the pages name
    # them to Pagefind (in English, since the corpora's bundles are shared by both editions); the
    # search page shows these words instead (site/assets/search.js).
    filter_names: tuple[tuple[str, str], ...] = ()
    kind_names: tuple[tuple[str, str], ...] = ()
    # each grouping filter's values that the catalogues name (corpus.value.*), as the edition says them
    filter_values: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    # (corpus title, characters) of each corpus whose texts search reads only the opening of
    # (its search_characters, where a text is longer): the page says so
    partly_indexed: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class VersionContext:
    meta: dict[str, Any]  # frozen at publication: history/figures/<id>/<version>/meta.json
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
    withdrawn: tuple[str, ...] = ()  # titles of its source documents the site no longer has
    withdrawn_corpora: tuple[str, ...] = ()  # titles of the corpora it studies that the site no longer has
    printable: bool = False  # the version has figure.pdf and figure-300dpi.png (versions published before them do not)
    chart: str = ""  # the SVG inline, its marks linked to their evidence (charts.py)
    embed_code: str = ""  # the <iframe> that embeds this version's view (embeds.py)
    doi_url: str = ""  # https://doi.org/… of the DOI recorded for this version (data/dois.yaml), if any


@dataclass(frozen=True)
class EmbedContext:
    """A figure (or a version of it) in another site's page: image, title, caption, one citation line."""

    title: str
    caption: str
    alt: str
    lang: str
    citation: str  # the APA reference as plain text (the template escapes it)
    image: str  # the PNG the view shows at its width; srcset offers the thumbnail for narrower frames
    width: int  # pixels of image
    height: int
    full_href: str  # the figure's (or version's) full page
    site_href: str


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
    # (what, old, new, language if not the page's) for the title, caption, alt text, notes
    text_changes: tuple[tuple[str, str, str, str], ...]
    saved_as: str  # the name diff.csv is downloaded under: <figure>-v<old>-v<new>-diff.csv


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
    licence: dict[str, str]


class CorpusEvidence(Protocol):
    """What one evidence item of a corpus counted: corpus_pages.Evidence, which this module
    cannot import (corpus_pages imports it)."""

    total: int
    by_group: dict[str, int]
    rows: list[dict[str, Any]]
    csv: Path | None


@dataclass
class SiteModel:
    project: Project
    documents: dict[str, Document]
    results: dict[str, FigureResult]
    events: pd.DataFrame
    stages: pd.DataFrame
    lexicon_summary: tuple[tuple[str, object], ...]  # (file, Text): what it holds
    versions: dict[str, str]
    ledger: dict[str, Any] = field(default_factory=dict)
    history_files: dict[str, bytes] = field(default_factory=dict)  # versions recorded by this build
    catalog: Catalog | None = None  # the validated inputs (corpus pages read the corpora and token cache)
    # corpus id -> (column, value) -> evidence page path
    evidence: dict[str, dict[tuple[str, str], str]] = field(default_factory=dict)
    not_drawn: list[NotDrawn] = field(default_factory=list)  # analysis.NotDrawn: figures this data cannot give, and why
    # corpus id -> evidence item key -> corpus_pages.Evidence
    corpus_evidence: Mapping[str, Mapping[str, CorpusEvidence]] = field(default_factory=dict)
    # corpus id -> search.corpus_bundles(): (bundle folder, text ids)
    search_bundles: dict[str, list[tuple[str, list[str]]]] = field(default_factory=dict)
    references: RenderedReferences = field(default_factory=RenderedReferences)  # APA references rendered before
    scaled: ScaledImages = field(default_factory=ScaledImages)  # the thumbnails and embed images (charts.py)
    # (figure id, version id) -> DOI recorded in data/dois.yaml
    dois: Mapping[tuple[str, str], str] = field(default_factory=dict)
    language: str = "en"  # the edition whose pages are being made (EDITIONS)
    # in another edition: results in the reference language
    reference_results: dict[str, FigureResult] = field(default_factory=dict)

    @cached_property
    def interface(self) -> Interface:
        """The interface's texts in the language of the pages being made (data/i18n/)."""
        return replace(self.project.settings.interface, language=self.language)

    def in_edition(self, language: str) -> SiteModel:
        """The model whose pages are the edition of the language: its interface texts, and each
        figure's texts (title, caption, notes, alt text, headline, checks) and each document's in
        that language where the catalogues and the documents have them."""
        results = {figure_id: result.in_language(language) for figure_id, result in self.results.items()}
        documents = {doc_id: doc.in_language(language) for doc_id, doc in self.documents.items()}
        not_drawn = [item.in_language(language) for item in self.not_drawn]
        return replace(
            self,
            language=language,
            results=results,
            documents=documents,
            not_drawn=not_drawn,
            reference_results=self.results,
        )

    def version_words(self, figure_id: str, meta: dict[str, Any]) -> dict[str, str]:
        """A published version's title, caption and alt text as this edition shows them: as they
        were frozen with the version in this edition's language, or for a version published
        before versions kept their translations (and not yet given them: --check records nothing),
        as the figure drawn now translates the version's own words (ledger.kept_translations, the
        rule by which the version gets them). words_lang: the title's and caption's language,
        alt_lang: the alt text's; notes_lang: the notes' (one per line)."""
        words: dict[str, str] = {
            "title": meta["title"],
            "caption": meta["caption"],
            "alt": meta["alt"],
            "notes": meta.get("notes") or "",
            "words_lang": LANGUAGES[0],
            "alt_lang": LANGUAGES[0],
            "notes_lang": LANGUAGES[0],
        }
        translations = meta.get("translations")
        if translations is None:
            reference = self.reference_results.get(figure_id)
            translations = kept_translations(meta, reference) if reference is not None else {}
        frozen = translations.get(self.language, {})
        if "title" in frozen:
            words.update(title=frozen["title"], caption=frozen["caption"], words_lang=self.language)
        if "alt" in frozen:
            words.update(alt=frozen["alt"], alt_lang=self.language)
        if "notes" in frozen:
            words.update(notes=frozen["notes"], notes_lang=self.language)
        return words

    @property
    def up(self) -> str:
        """From an edition's root to the site root: the assets and site-level files are shared."""
        return "../" * EDITIONS[self.language].count("/")

    @property
    def nav(self) -> tuple[tuple[str, str], ...]:
        """NAV without the sections this site does not have: no corpus, no timeline."""
        absent = set()
        if self.catalog is not None and not self.catalog.corpora:
            absent.add("corpus/index")
        if len(self.events) == 0 and len(self.stages) == 0:
            absent.add("timeline/index")
        return tuple(
            (self.interface.text(f"nav.{target.split('/')[0]}"), target) for target in NAV if target not in absent
        )


def figure_href(root: str, figure_id: str) -> str:
    return f"{root}figures/{figure_id}/index.html"


def document_href(root: str, doc_id: str, anchor: str = "") -> str:
    return f"{root}documents/{doc_id}/index.html" + (f"#{anchor}" if anchor else "")


def document_lang(doc: Document) -> str:
    return doc.languages[0]


def figure_card(result: FigureResult, root: str) -> FigureCard:
    f = result.figure
    return FigureCard(
        id=f.id,
        title=in_words(f.title),
        kind=f.kind,
        href=figure_href(root, f.id),
        thumbnail=f"{root}figures/{f.id}/{THUMBNAIL}",
        image=f"{root}figures/{f.id}/figure.png",
        alt=result.alt,
        lang=f.lang,
        headline=result.headline,
        documents=tuple(f.documents),
    )


def byline(interface: Interface, doc: Document) -> str:
    parts = [", ".join(doc.meta.get("authors") or []) or interface.text("document.author_not_stated")]
    if doc.year:
        parts.append(doc.year)
    if doc.meta.get("venue"):
        parts.append(doc.meta["venue"])
    return " · ".join(parts)


def document_card(interface: Interface, doc: Document, figure_count: int, root: str) -> DocumentCard:
    return DocumentCard(
        id=doc.id,
        title=doc.title,
        short_title=doc.short_title,
        lang=document_lang(doc),
        summary=doc.meta["summary"],
        summary_lang=doc.summary_lang,
        href=document_href(root, doc.id),
        figure_count=figure_count,
        byline=byline(interface, doc),
    )


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


Passages = dict[str, tuple[str, tuple[str, ...]]]  # quote -> (its anchor, the ids of the figures quoting it)


def quoted_passages(model: SiteModel) -> dict[str, Passages]:
    """doc id -> quote -> (anchor, the ids of the figures whose data quotes it, in figure order).
    Quotes that only a published earlier version still cites (its row was withdrawn since) keep
    their anchor too, with that figure's id, where the text still has them; a passage corrected
    since is not highlighted, and the version's permanent page links to the document instead
    (table_rows, quote_is_placed)."""
    passages: dict[str, Passages] = {d: {} for d in model.documents}
    for result in model.results.values():
        data = result.data
        if "quote" in data.columns and "document_id" in data.columns:
            for doc_id, quote in zip(data["document_id"], data["quote"], strict=True):
                anchor, figures = passages[doc_id].get(quote, (quote_anchor(doc_id, quote), ()))
                if result.figure.id not in figures:
                    passages[doc_id][quote] = (anchor, (*figures, result.figure.id))
    for figure_id, doc_id, quote in quotes_in_history(model):
        if doc_id in passages and quote not in passages[doc_id] and quote_is_placed(model, doc_id, quote):
            passages[doc_id][quote] = (quote_anchor(doc_id, quote), (figure_id,))
    return passages


QuotedPassage = tuple[str, str, tuple[str, ...]]  # (quote, its anchor, the ids of the figures quoting it)


def in_text_order(quotes: Passages, blocks: tuple[TextBlock, ...]) -> list[QuotedPassage]:
    """A document's quoted passages in the order its text has their anchors (highlight placed
    them in blocks), then any it has not placed, by quote."""
    order: dict[str, int] = {}
    for block in blocks:
        for segment in block.segments:
            for anchor in segment.anchors:
                order.setdefault(anchor, len(order))
    ranked = sorted(quotes.items(), key=lambda item: (order.get(item[1][0], len(order)), item[0]))
    return [(quote, anchor, figures) for quote, (anchor, figures) in ranked]


def figure_title(model: SiteModel, figure_id: str) -> str:
    """A figure's title in the model's edition; its id where the build made no such figure (one
    only a published version still quotes from)."""
    result = model.results.get(figure_id)
    return in_words(result.figure.title) if result is not None else figure_id


def quote_is_placed(model: SiteModel, doc_id: str, quote: str) -> bool:
    """Whether the document's current text has the quote within one paragraph, where highlight
    anchors it."""
    doc = model.documents.get(doc_id)
    return doc is not None and doc.has_passage(quote)


def quotes_in_history(model: SiteModel) -> list[tuple[str, str, str]]:
    """(figure id, document id, quote) of every quote in a published version's data.csv."""
    import csv
    import io

    found = []
    for figure_id, history in sorted(model.ledger.get("figures", {}).items()):
        for entry in distinct_versions(history):
            path = f"history/figures/{figure_id}/{entry['version']}/data.csv"
            raw = model.history_files.get(path)
            if raw is None:
                try:
                    raw = (model.project.root / path).read_bytes()
                except FileNotFoundError:
                    continue  # the version pages name the missing file
            rows = csv.DictReader(io.StringIO(raw.decode("utf-8")))
            if rows.fieldnames and {"quote", "document_id"} <= set(rows.fieldnames):
                found += [(figure_id, row["document_id"], row["quote"]) for row in rows]
    return found


def highlight(block: Block, quotes: Passages, placed: set[str] | None = None) -> TextBlock:
    """Split a block into plain and highlighted segments, with an anchor where each quote starts.
    placed: the anchors of earlier blocks, updated with this one's: a quote the document has twice
    is highlighted and anchored where it first occurs (an id is the page's once)."""
    spans = []
    for quote, (anchor, _) in quotes.items():
        start = block.text.find(quote)
        if start >= 0 and (placed is None or anchor not in placed):
            spans.append((start, start + len(quote), anchor))
    spans.sort()
    merged: list[list[Any]] = []  # [start, end, [(start, anchor) of each quote in it]]
    for start, end, anchor in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2].append((start, anchor))
        else:
            merged.append([start, end, [(start, anchor)]])
    segments, cursor = [], 0
    for start, end, starts in merged:
        if start > cursor:
            segments.append(Segment(block.text[cursor:start]))
        # overlapping quotes are one highlight, cut where each starts, so that its anchor is there
        cuts = sorted({at for at, _ in starts}) + [end]
        for cut, following in itertools.pairwise(cuts):
            anchors = tuple(dict.fromkeys(anchor for at, anchor in starts if at == cut))
            segments.append(Segment(block.text[cut:following], True, anchors))
        cursor = end
    if cursor < len(block.text):
        segments.append(Segment(block.text[cursor:]))
    if placed is not None:
        placed.update(anchor for _, _, anchor in spans)
    return TextBlock(block.kind, block.lang, tuple(segments))


def document_metadata(interface: Interface, doc: Document) -> tuple[tuple[str, str, str], ...]:
    m, t = doc.meta, interface.text
    rows = [(t("document.authors"), ", ".join(m.get("authors") or []) or t("document.not_stated"), "")]
    if m.get("kind"):  # as the catalogues name it (a journal-article is a 期刊论文), else as written
        kind = str(m["kind"])
        shown = interface.resolve(catalogued(interface, f"document.kind_value.{kind.replace('-', '_')}", kind))
        rows.append((t("document.kind"), str(shown), ""))
    for key in ("venue", "volume", "issue", "pages", "year", "date"):
        if m.get(key):
            rows.append((t(f"document.{key}"), str(m[key]), ""))
    if m.get("doi"):
        rows.append(("DOI", str(m["doi"]), doi_url(str(m["doi"]))))
    if m.get("url") and not m.get("doi"):
        rows.append(("URL", str(m["url"]), str(m["url"])))
    languages = (str(interface.resolve(catalogued(interface, f"language.{code}", code))) for code in doc.languages)
    rows.append((t("document.languages"), t("document.list_separator").join(languages), ""))
    keywords = list(m.get("keywords") or []) + list(m.get("keywords_zh") or [])
    if keywords:
        rows.append((t("document.author_keywords"), "; ".join(keywords), ""))
    rows.append(
        (
            t("document.source_file"),
            t(
                "document.source_file_value",
                file=m["source_file"],
                digest=m.get("source_sha256") or t("document.not_recorded"),
            ),
            "",
        )
    )
    if m.get("notes"):
        rows.append((t("document.notes"), str(m["notes"]), ""))
    if doc.untranslated:  # shown in another language, for want of a translation in document.yaml
        fields = t("document.list_separator").join(
            t("document.untranslated_field", field=t(f"document.field_{field}"), key=f"{field}_{interface.language}")
            for field in doc.untranslated
        )
        rows.append(
            (t("document.untranslated"), t("document.untranslated_value", fields=fields, file=doc.meta_path), "")
        )
    return tuple(rows)


def table_rows(
    columns: Sequence[str],
    values: Iterable[Sequence[str]],
    root: str,
    evidence: Mapping[tuple[str, str], str] | None = None,
    documents: set[str] | frozenset[str] | None = None,
    placed: Callable[[str, str], bool] | None = None,
) -> tuple[tuple[tuple[str, str], ...], ...]:
    """A figure's data (its columns, and each row's cells as strings, as data.csv holds them) as
    table cells; quotes link to their highlighted passage, corpus keywords and sub-tools to their
    evidence pages. With documents (the ids the site has), a cell of a document that was withdrawn
    links nowhere; with placed(doc id, quote), a quote the text no longer has (an earlier
    version's, of a passage corrected since) links to its document."""
    rows = []
    for cells_of_row in values:
        row = dict(zip(columns, cells_of_row, strict=False))
        cells = []
        for column in columns:
            value = text = row[column]
            href = ""
            if column == "quote" and "document_id" in columns:
                if documents is None or row["document_id"] in documents:
                    doc_id = row["document_id"]
                    anchored = placed is None or placed(doc_id, value)
                    href = document_href(root, doc_id, quote_anchor(doc_id, value) if anchored else "")
            elif column in ("document_id", "document_a", "document_b"):
                if documents is None or str(value) in documents:
                    href = document_href(root, str(value))
            elif evidence and (column, value) in evidence:
                href = root + evidence[(column, value)]
            cells.append((text, href))
        rows.append(tuple(cells))
    return tuple(rows)


def compare_path(figure_id: str, old: str, new: str) -> str:
    return f"figures/{figure_id}/compare/{old}-{new}/index.html"


def version_meta(model: SiteModel, figure_id: str, version: str) -> dict[str, Any]:
    """A published version's meta.json (history_file: from this build's new versions, else history/)."""
    label = f"{VERSION_FOLDER.format(figure=figure_id, version=version)}/meta.json"
    meta: dict[str, Any] = history_json(history_file(model, label), label)
    return meta


def history_file(model: SiteModel, path: str) -> bytes:
    """A file under history/: from this build's new versions, else from the repository."""
    if path in model.history_files:
        return model.history_files[path]
    try:
        return (model.project.root / path).read_bytes()
    except FileNotFoundError:
        raise BuildError(
            [
                Problem(
                    path, "missing from history/; it is needed to publish a past figure version (restore it from git)"
                )
            ]
        ) from None


def shown_texts_changed(model: SiteModel, figure_id: str, old: str, new: str) -> tuple[str, ...]:
    """Which of the texts a reader of the model's edition sees (title, caption, alt text, notes)
    differ between two versions: in that edition's language where both versions record their
    texts in it (meta.json's translations), so that an English title edited is no change of the
    Chinese one; else in the language the versions record first."""
    old_meta, new_meta = (version_meta(model, figure_id, v) for v in (old, new))
    return tuple(name for name, *_ in shown_text_changes(model.language, old_meta, new_meta))


def shown_text_changes(
    language: str, old_meta: dict[str, Any], new_meta: dict[str, Any]
) -> tuple[tuple[str, str, str, str], ...]:
    """(name, old, new, its language) of each text a reader of the edition in language sees
    (title, caption, alt text, notes) that differs between two versions' meta.json: each in that
    language where both versions froze it in that language (their translations), so that an
    English title edited is no change of the Chinese one; else as the versions record it first."""
    old_words, new_words = (meta.get("translations", {}).get(language, {}) for meta in (old_meta, new_meta))
    in_edition = {name for name in SHOWN_TEXT if name in old_words and name in new_words}
    changes = text_changes(
        {**old_meta, **{name: old_words[name] for name in in_edition}},
        {**new_meta, **{name: new_words[name] for name in in_edition}},
    )
    return tuple((name, old, new, language if name in in_edition else LANGUAGES[0]) for name, old, new in changes)


def change_summary(
    added: int,
    removed: int,
    changed: int,
    cells: Sequence[Sequence[str]],
    texts: tuple[str, ...],
    restores: int = 0,
) -> Listed:
    """What changed from one version to the next, in the words of each edition (changes.*): the
    rows changed, added and removed (the changed cells, when there are few), the texts that
    changed, or that only the image did. cells: the first changed cells, (row label, column,
    old, new); more than CELLS_NAMED means none is named."""
    rows = []
    if changed:
        if len(cells) <= CELLS_NAMED:
            named = tuple(
                Text("changes.cell", cell=f"{label} {column}" if label else column, old=old, new=new)
                for label, column, old, new in cells
            )
            rows.append(
                Text(
                    "changes.rows_changed_cells_" + ("one" if changed == 1 else "other"),
                    count=changed,
                    cells=Listed(named, "text.list_separator"),
                )
            )
        else:
            rows.append(Text("changes.rows_changed_" + ("one" if changed == 1 else "other"), count=changed))
    if added:
        rows.append(Text("changes.rows_added_" + ("one" if added == 1 else "other"), count=added))
    if removed:
        rows.append(Text("changes.rows_removed_" + ("one" if removed == 1 else "other"), count=removed))
    parts: list[Text | Listed] = [Listed(tuple(rows), "text.clause_separator")] if rows else []
    parts += [Text("changes.text_changed", text=Text(f"changes.shown_{name}")) for name in texts]
    if not parts:
        parts.append(Text("changes.image_only"))
    if restores:
        parts.insert(0, Text("changes.back_to", number=restores))
    return Listed(tuple(parts))


def entry_summary(model: SiteModel, figure_id: str, entry: dict[str, Any]) -> Text | Listed:
    """A ledger entry's one line, composed from what the ledger records (the English summary it
    keeps is for the terminal and for ledgers read by hand)."""
    if not entry.get("previous"):
        return Text("changes.first_version")
    if entry.get("same_as"):
        return Text("changes.identical")
    diff = entry.get("diff") or {}
    return change_summary(
        diff.get("added", 0),
        diff.get("removed", 0),
        diff.get("changed", 0),
        diff.get("cells", [])[: CELLS_NAMED + 1],
        shown_texts_changed(model, figure_id, entry["previous"], entry["version"]),
        entry["number"] if entry.get("restores") else 0,
    )


def version_entries(model: SiteModel, root: str) -> list[VersionEntry]:
    """Every recorded figure version, newest edition first and, within an edition, a figure's
    latest entry first (a return to an earlier version comes after the version it replaced)."""
    entries = []
    for figure_id, history in model.ledger.get("figures", {}).items():
        first = canonical(history)
        distinct = distinct_versions(history)
        for position, item in enumerate(history, 1):
            anchor = f"{figure_id}-{item['version']}" + (f"-{position}" if item.get("restores") else "")
            before = [e for e in distinct if e["number"] < first[item["version"]]["number"]]
            changed = item.get("changed", [])
            data_changed = [n[5:] for n in changed if n.startswith("data:")]
            # texts shown or drawn are said in the summary (title changed …), not counted as code
            code_changed = [n for n in changed if not n.startswith(("data:", "texts:"))]
            same = first[item["version"]]
            compare_href = ""
            if item.get("restores"):  # compared with the version it replaced, in the order they were numbered
                replaced = first.get(item["previous"] or "", same)
                if replaced is not same:
                    old, new = sorted((same, replaced), key=lambda e: e["number"])
                    compare_href = root + compare_path(figure_id, old["version"], new["version"])
            elif before and not item.get("same_as"):
                compare_href = root + compare_path(figure_id, before[-1]["version"], same["version"])
            entries.append(
                VersionEntry(
                    figure=Link(figure_id, figure_href(root, figure_id) if figure_id in model.results else ""),
                    number=item["number"],
                    version=item["version"],
                    previous=item["previous"] or "",
                    edition=item["edition"],
                    summary=str(model.interface.resolve(entry_summary(model, figure_id, item))),
                    data_changed=tuple(data_changed[:DATA_CHANGED_SHOWN]),
                    data_changed_count=len(data_changed),
                    code_changed=len(code_changed),
                    href=f"{root}figures/{figure_id}/v/{item['version']}/index.html",
                    compare_href=compare_href,
                    same_as=same["number"] if item.get("same_as") else 0,
                    same_as_href=f"{root}figures/{figure_id}/v/{same['version']}/index.html"
                    if item.get("same_as")
                    else "",
                    anchor=anchor,
                    changes_href=f"{root}changes/index.html#{anchor}",
                    restores=bool(item.get("restores")),
                    position=position,
                    current=position == len(history),
                )
            )
    return sorted(entries, key=lambda e: (e.edition, e.figure.label, e.position), reverse=True)


def editions(entries: list[VersionEntry]) -> tuple[tuple[str, tuple[VersionEntry, ...]], ...]:
    grouped: dict[str, list[VersionEntry]] = {}
    for entry in sorted(entries, key=lambda e: e.edition, reverse=True):
        grouped.setdefault(entry.edition, []).append(entry)
    return tuple((edition, tuple(items)) for edition, items in grouped.items())


def comparisons(model: SiteModel, figure_id: str, root: str) -> tuple[Comparison, ...]:
    """Every pair of a figure's versions that a reader can tell apart, newest pairs first."""
    distinct = distinct_versions(model.ledger.get("figures", {}).get(figure_id, []))
    return tuple(
        Comparison(a["number"], b["number"], root + compare_path(figure_id, a["version"], b["version"]))
        for j, b in reversed(list(enumerate(distinct)))
        for a in reversed(distinct[:j])
    )


def absolute(model: SiteModel, path: str) -> str:
    return f"{model.project.settings.site_url}/{path}"


def folder_address(path: str) -> str:
    """A page's address from the site root as the site gives it to others (its canonical link,
    alternates, sitemap): an index page's folder, which is the address its citations give
    (figures/<id>/v/<version>/), else its file. Links within the site name index.html, so that
    the site works from disk."""
    if path == "index.html":
        return ""
    return path.removesuffix("index.html") if path.endswith("/index.html") else path


def licences(settings: SiteSettings) -> tuple[Licence, ...]:
    """The site's licences (data/site.yaml): the text's and data's, then the code's where it has its own."""
    data = Licence(
        settings.licence_id,
        settings.licence_url,
        "text and data" if settings.code_licence_id else "text, data and code",
    )
    return (data,) + (
        (Licence(settings.code_licence_id, settings.code_licence_url, "code"),) if settings.code_licence_id else ()
    )


def site_cited(settings: SiteSettings) -> dict[str, Any]:
    """What a version's citations and page name of the site, frozen into its meta.json ("cited")
    when it is published (state/ledger.py): a later change to data/site.yaml does not rewrite them."""
    return {
        "authors": list(settings.authors),
        "publisher": settings.title,
        "licences": [{"spdx": x.spdx, "url": x.url, "covers": x.covers} for x in licences(settings)],
        "licence": settings.licence,  # in the words pages use
        "licence_zh": settings.licence_zh,
    }


def frozen_site(model: SiteModel, meta: Mapping[str, Any]) -> Mapping[str, Any]:
    """A version's site_cited() as published (data/site.yaml's now for a --check of a history not
    yet frozen, which the next build freezes so). One frozen without a Chinese licence line has
    none: its footer names its licence in the English words it froze."""
    frozen = meta.get("cited") or {}
    return {**site_cited(model.project.settings), **({"licence_zh": ""} if frozen else {}), **frozen}


@dataclass(frozen=True)
class Colophon:
    """What a page's footer names besides the site's title: by default data/site.yaml's (the
    layout reads SiteSettings' fields of the same names); a version page's, its version's own."""

    authors: tuple[str, ...]
    date: str  # the edition
    licence: str
    licence_zh: str = ""

    def licence_in(self, language: str) -> str:  # as SiteSettings.licence_in
        return in_edition(language, self.licence, self.licence_zh)


def version_colophon(model: SiteModel, entry: Mapping[str, Any], meta: Mapping[str, Any]) -> Colophon:
    site = frozen_site(model, meta)
    return Colophon(tuple(site["authors"]), entry["edition"], site["licence"], site["licence_zh"])


def cited_figure(
    model: SiteModel, figure_id: str, entry: dict[str, Any], meta: Mapping[str, Any], title: str
) -> CitedFigure:
    """A published version as its citations name it: from its meta.json (the documents, and the
    site's authors, publisher and licences as they were when it was published), in title's words."""
    site = frozen_site(model, meta)
    return CitedFigure(
        figure_id=figure_id,
        title=title,
        number=entry["number"],
        version=entry["version"],
        edition=entry["edition"],
        url=absolute(model, f"figures/{figure_id}/v/{entry['version']}/"),
        authors=tuple(site["authors"]),
        publisher=site["publisher"],
        documents=tuple((d["title"], d["reference"]) for d in meta["documents"]),
        licences=tuple(Licence(x["spdx"], x["url"], x["covers"]) for x in site["licences"]),
        doi=model.dois.get((figure_id, entry["version"]), ""),
    )


INPUTS_SHOWN = 25  # the inputs a figure page lists; its inputs.csv has them all
INPUTS_CACHE = "inputs"  # under .build/cache/: the figures' inputs.csv, named by their SHA-256


def inputs_file(model: SiteModel, inputs: tuple[tuple[str, str], ...]) -> bytes | Path:
    """A figure's inputs.csv: with a build cache, a file there that each edition's page copies, so
    that no page model holds the megabytes of a large corpus's list (every text and its SHA-256)."""
    import hashlib

    from pilotsite.state.fingerprint import write_atomic

    content = inputs_csv(inputs)
    cache = model.catalog.cache_dir if model.catalog is not None else None
    if cache is None:
        return content
    path = cache / INPUTS_CACHE / f"{hashlib.sha256(content).hexdigest()}.csv"
    if not path.is_file():
        write_atomic(path, content)
    return path


def copied_entries(pages: Iterable[Page], file_name: str) -> set[str]:
    """The names of the cache entries the pages copy as file_name (for pruning the others)."""
    return {
        content.name
        for page in pages
        for name, content in page.files
        if name == file_name and isinstance(content, Path)
    }


def prune_inputs_files(cache_dir: Path, pages: Iterable[Page]) -> Callable[[], None]:
    """What removes the cached inputs.csv files that no page of this build copies: run once the
    build has published."""
    from functools import partial

    from pilotsite.state.caching import prune_files

    return partial(prune_files, cache_dir / INPUTS_CACHE, "*.csv", copied_entries(pages, "inputs.csv"))


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
    return (
        ("cite.bib", citation.bibtex.encode("utf-8")),
        ("cite.ris", citation.ris.encode("utf-8")),
        ("cite.json", citation.csl_json.encode("utf-8")),
        (CFF_FILE, citation.cff.encode("utf-8")),
    )


def distribution(model: SiteModel, folder: str) -> dict[str, str]:
    return {
        absolute(model, folder + "data.csv"): "text/csv",
        absolute(model, folder + "figure.svg"): "image/svg+xml",
        absolute(model, folder + "figure.png"): "image/png",
    }


def source_addresses(model: SiteModel, documents: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(DOI, URL) of each source document a version names (its meta's "documents"), in order: a
    document on the site by its DOI and URL now (a DOI added since is the better address), a
    withdrawn one by those the version recorded (ledger.document_record). The URL is the
    document's page here where it has neither, as when the version was published, withdrawn since
    or not: the version's deposit records keep naming the source as they did."""
    found = []
    for d in documents:
        known = source_record(model, d)
        doi, url = known.get("doi") or "", known.get("url") or ""
        found.append((doi, url or ("" if doi else absolute(model, f"documents/{d['id']}/index.html"))))
    return found


def recorded_title(model: SiteModel, source: Mapping[str, Any]) -> str:
    """A source document's or corpus's title as a version recorded it (ledger.document_record,
    corpora_of): in the edition's language where it recorded one (title_zh, …), as the edition
    names the source while it is on the site."""
    return str(source.get(f"title_{model.language}") or source["title"])


def source_record(model: SiteModel, document: Mapping[str, Any]) -> Mapping[str, Any]:
    """What is known of a source document a version names (an item of its meta's "documents"):
    its document.yaml now while it is on the site, else what the version recorded of it."""
    current = model.documents.get(document["id"])
    return current.meta if current is not None else document


def document_urls(model: SiteModel, documents: Iterable[Mapping[str, Any]]) -> list[str]:
    """Each source document's address, one per document a version names, in order: its DOI, else
    its URL, else its page here (source_addresses)."""
    return [doi_url(doi) if doi else url for doi, url in source_addresses(model, documents)]
