"""Every page of the site, built from the site model: documents, figures, keyword contexts,
timeline, methods, indexes, and (from pages/citable.py and pages/corpus_pages.py) version pages
and corpus studies."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

from pilotsite.errors import BuildError, Problem
from pilotsite.figures.figure import Figure
from pilotsite.figures.outputs import FigureResult
from pilotsite.inputs.documents import HAN_CHARACTER, Document
from pilotsite.inputs.interface import LANGUAGES, Interface, descriptions_label
from pilotsite.pages.bundle import BUNDLE_FILE
from pilotsite.pages.charts import evidence_hrefs, inline_chart
from pilotsite.pages.citable import current_bundle, edition_citation, published_version, version_cited
from pilotsite.pages.citation import dataset_json_ld, scholar_meta
from pilotsite.pages.embeds import embed_files, embed_page, embed_snippet
from pilotsite.pages.feeds import FEED, atom_feed, figure_feed_title, version_title
from pilotsite.pages.model import (
    EDITIONS,
    FIGURE_KINDS,
    HEADLINE_KINDS,
    INPUTS_SHOWN,
    REBUILD_COMMAND,
    SEARCH_KINDS,
    ChangesContext,
    DocumentContext,
    DocumentsIndexContext,
    FigureContext,
    FiguresIndexContext,
    HomeContext,
    KeywordContext,
    KeywordContextRow,
    Link,
    MethodsContext,
    NotFoundContext,
    Page,
    Process,
    QuotedPassage,
    SearchContext,
    Segment,
    SiteModel,
    TimelineContext,
    TimelineEvent,
    VersionEntry,
    absolute,
    citation_files,
    comparisons,
    distribution,
    document_card,
    document_href,
    document_lang,
    document_metadata,
    document_urls,
    edition_bundle,
    editions,
    figure_card,
    figure_href,
    figure_title,
    figures_of,
    highlight,
    in_text_order,
    in_words,
    inputs_file,
    kind_label,
    quoted_passages,
    related_documents,
    table_rows,
    version_entries,
)
from pilotsite.pages.pdf_edition import FINDINGS_PDF, findings_pdf
from pilotsite.state.ledger import PDF_FILE, PRINT_PNG, canonical

if TYPE_CHECKING:
    from jieba import Tokenizer


def keyword_path(doc_id: str, lang: str, keyword: str) -> str:
    """The page of a document keyword's contexts (hashed: keywords may be any Unicode)."""
    digest = hashlib.sha256(f"{lang}\n{keyword}".encode()).hexdigest()[:10]
    return f"documents/{doc_id}/keywords/{lang}-{digest}/index.html"


def marked_segments(text: str, keyword: str, lang: str) -> tuple[Segment, ...]:
    """The text with each occurrence of keyword marked (as a whole word, for English)."""
    pattern = re.escape(keyword) if lang == "zh" else r"(?<![\w'-])" + re.escape(keyword) + r"(?![\w'-])"
    segments, at = [], 0
    for match in re.finditer(pattern, text, flags=0 if lang == "zh" else re.IGNORECASE):
        if match.start() > at:
            segments.append(Segment(text[at : match.start()]))
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

    from pilotsite.analysis import words
    from pilotsite.inputs.lexicon import LEXICON_FILES
    from pilotsite.state.fingerprint import package_version, write_atomic

    parts = [doc.text, lang, str(min_chars), package_version("jieba"), Path(words.__file__).read_text(encoding="utf-8")]
    parts += [(model.project.root / name).read_text(encoding="utf-8") for name in LEXICON_FILES]
    key = hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()
    cache = (
        model.catalog.cache_dir / "keyword-blocks" / f"{key}.json"
        if model.catalog is not None and model.catalog.cache_dir is not None
        else None
    )
    if cache is not None and cache.is_file():
        cached: list[list[str]] = json.loads(cache.read_text(encoding="utf-8"))
        return cached
    lexicon = words.load_lexicon(model.project.root)
    found = [words.tokens(b.text, lang, lexicon, min_chars) if b.lang == lang else [] for b in doc.blocks]
    if cache is not None:
        write_atomic(cache, json.dumps(found, ensure_ascii=False).encode("utf-8"))
    return found


def keyword_context_pages(model: SiteModel) -> tuple[list[Page], dict[str, dict[tuple[str, str], str]]]:
    """A page per keyword of each document keyword figure, listing every paragraph where the
    keyword was counted (tokenised exactly as the figure's analysis did), linked to that paragraph.
    Returns the pages and, per figure id, the links for its data table."""
    pages: list[Page] = []
    links: dict[str, dict[tuple[str, str], str]] = {}
    found: dict[str, tuple[str, str, str, int, list[Figure]]] = {}
    for result in sorted(model.results.values(), key=lambda r: r.figure.id):
        data = result.data
        if result.figure.kind != "keywords" or not {"document_id", "lang", "keyword"} <= set(data.columns):
            continue
        min_chars = int(cast(int, result.figure.params.get("min_chars", 2)))  # a keyword analysis declares a number
        for doc_id, lang, keyword in zip(data["document_id"], data["lang"], data["keyword"], strict=True):
            path = keyword_path(doc_id, lang, keyword)
            links.setdefault(result.figure.id, {})[("keyword", keyword)] = path
            found.setdefault(path, (doc_id, lang, keyword, min_chars, []))[4].append(result.figure)
    root = "../../../../"
    t = model.interface.text
    tokenised: dict[tuple[str, str, int], list[list[str]]] = {}
    for path, (doc_id, lang, keyword, min_chars, figures) in sorted(found.items()):
        doc = model.documents[doc_id]
        if (doc_id, lang, min_chars) not in tokenised:
            tokenised[(doc_id, lang, min_chars)] = block_tokens(model, doc, lang, min_chars)
        rows = []
        for number, (block, words) in enumerate(zip(doc.blocks, tokenised[(doc_id, lang, min_chars)], strict=False), 1):
            count = words.count(keyword)
            if count:
                rows.append(
                    KeywordContextRow(
                        Link(
                            t("keywords.paragraph_number", number=number),
                            f"{root}documents/{doc_id}/index.html#p-{number}",
                        ),
                        marked_segments(block.text, keyword, lang),
                        count,
                    )
                )
        pages.append(
            Page(
                path[: -len(".html")],
                "keyword_contexts.qmd.j2",
                t("keywords.title", keyword=keyword, document=doc.short_title),
                model.language,  # the title is a sentence of the edition; the keyword's language is marked below it
                t("keywords.description", keyword=keyword, document=doc.short_title),
                (
                    Link(t("nav.index"), root + "index.html"),
                    Link(t("nav.documents"), root + "documents/index.html"),
                    Link(doc.short_title, root + f"documents/{doc_id}/index.html"),
                    Link(keyword, ""),
                ),
                KeywordContext(
                    Link(doc.title, root + f"documents/{doc_id}/index.html"),
                    lang,
                    keyword,
                    sum(r.occurrences for r in rows),
                    tuple(rows),
                    tuple(Link(in_words(f.title), figure_href(root, f.id)) for f in figures),
                ),
            )
        )
    return pages, links


def version_feed(model: SiteModel, entries: list[VersionEntry], title: str, folder: str) -> bytes:
    """The Atom feed of these version entries, for the page in folder (from the edition's root)."""
    settings, t = model.project.settings, model.interface.text
    edition = f"{settings.site_url}/{EDITIONS[model.language]}"
    return atom_feed(
        title=title,
        feed_url=f"{edition}{folder}{FEED}",
        page_url=f"{edition}{folder}",  # the page's folder, as its canonical link names it
        entries=entries,
        site_url=settings.site_url,
        language=model.language,
        authors=settings.authors,
        fallback_date=settings.date,
        # the version's title as its page shows it (the figure's id said nothing to a reader)
        entry_title=lambda e: t(
            "feed.entry_title", figure=version_title(model, e.figure.label, e.version), number=e.number
        ),
        summary_label=lambda e: e.summary,
    )


def build_pages(model: SiteModel) -> list[Page]:
    """Every page of the site, with its context; two pages claiming one path is an error."""
    settings, interface = model.project.settings, model.interface
    t = interface.text
    pages: list[Page] = []
    results = sorted(model.results.values(), key=lambda r: r.figure.id)
    related = related_documents(model)
    passages = quoted_passages(model)

    def crumbs(root: str, *trail: Link) -> tuple[Link, ...]:
        return (Link(t("nav.index"), root + "index.html"), *trail)

    # Home: the documents and one headline finding per document.
    findings, cards = [], []
    for doc in model.documents.values():
        own = figures_of(model, doc.id)
        cards.append(document_card(interface, doc, len(own), ""))
        lead = sorted(
            (r for r in own if len(r.figure.documents) == 1),
            key=lambda r: (
                r.figure.headline is None,
                r.figure.lang != document_lang(doc),
                HEADLINE_KINDS.index(r.figure.kind),
                r.figure.id,
            ),
        )
        if lead:
            findings.append(figure_card(lead[0], ""))
    changes_feed = t("feed.changes_title", site=settings.title_in(model.language))
    pages.append(
        Page(
            "index",
            "index.qmd.j2",
            settings.title_in(model.language),  # the edition's name of the site
            model.language,
            t("page.home_description", title=settings.title_in(model.language)),
            (),
            HomeContext(tuple(cards), tuple(findings)),
            feeds=((changes_feed, f"changes/{FEED}"),),
        )
    )

    root = "../"
    pages.append(
        Page(
            "documents/index",
            "documents.qmd.j2",
            t("nav.documents"),
            model.language,
            t("page.documents_description"),
            crumbs(root, Link(t("nav.documents"), "")),
            DocumentsIndexContext(
                tuple(document_card(interface, d, len(figures_of(model, d.id)), root) for d in model.documents.values())
            ),
        )
    )
    groups = []
    for kind in FIGURE_KINDS:
        cards_of_kind = tuple(figure_card(r, root) for r in results if r.figure.kind == kind)
        if cards_of_kind:
            groups.append((kind, kind_label(interface, kind), cards_of_kind))
    pages.append(
        Page(
            "figures/index",
            "figures.qmd.j2",
            t("nav.figures"),
            model.language,
            t("page.figures_description"),
            crumbs(root, Link(t("nav.figures"), "")),
            FiguresIndexContext(tuple(groups), tuple((d.id, d.short_title) for d in model.documents.values())),
            scripts=(f"{root}{model.up}assets/figure-filters.js",),
        )
    )

    # Document pages.
    root = "../../"
    for doc in model.documents.values():
        quotes = passages[doc.id]
        placed_before: set[str] = set()
        blocks = tuple(highlight(b, quotes, placed_before) for b in doc.blocks)
        placed = {a for b in blocks for s in b.segments for a in s.anchors}
        lost = [(q, figures[0]) for q, (a, figures) in quotes.items() if a not in placed]
        if lost:
            raise BuildError(
                [
                    Problem(
                        doc.text_path,
                        f"the quote in the data of figure '{figure_id}' spans more than one paragraph, "
                        f'so it cannot be highlighted: "{q[:80]}"',
                    )
                    for q, figure_id in lost
                ]
            )
        in_order = in_text_order(quotes, blocks)
        pdf = findings_pdf(model, doc, in_order)  # cached by what it shows: Typst runs only when that changed
        pages.append(
            Page(
                f"documents/{doc.id}/index",
                "document.qmd.j2",
                doc.title,
                document_lang(doc),
                doc.meta["summary"],
                crumbs(root, Link(t("nav.documents"), root + "documents/index.html"), Link(doc.short_title, "")),
                DocumentContext(
                    document=doc,
                    lang=document_lang(doc),
                    metadata=document_metadata(interface, doc),
                    blocks=blocks,
                    figures=tuple(figure_card(r, root) for r in figures_of(model, doc.id)),
                    not_drawn=tuple(
                        (in_words(n.title), in_words(n.reason)) for n in model.not_drawn if doc.id in n.documents
                    ),
                    related=tuple(
                        (Link(model.documents[o].short_title, document_href(root, o)), kw)
                        for o, kw, _ in related[doc.id]
                    ),
                    quotes=quoted_list(model, in_order, root),
                    pdf_edition=FINDINGS_PDF,
                    pdf_kb=round((pdf.stat().st_size if isinstance(pdf, Path) else len(pdf)) / 1000),
                ),
                files=((FINDINGS_PDF, pdf),),
                search_kind="document",
                search_filters=(("document", doc.short_title),),
            )
        )

    # Where each document keyword was counted, linked from the keyword figures' data tables.
    context_pages, keyword_links = keyword_context_pages(model)
    pages.extend(context_pages)

    # Figure pages: the latest version of each figure, cited by its permanent version URL.
    histories: dict[str, list[VersionEntry]] = {}  # every figure's versions, gathered once (not once per figure)
    all_versions = version_entries(model, root)
    for entry in all_versions:
        histories.setdefault(entry.figure.label, []).append(entry)
    for result in results:
        f = result.figure
        history = model.ledger["figures"][f.id]
        latest = canonical(history)[history[-1]["version"]]  # an identical later duplicate cites the first
        cited_version = published_version(model, f.id, latest)
        cited = version_cited(model, cited_version)  # as the version's own page does
        citation = edition_citation(model, cited)
        source_name = Path(f.analysis).name
        inputs = result.input_hashes
        columns = tuple(result.data.columns)
        rows = table_rows(
            columns,
            result.data.itertuples(index=False, name=None),
            root,
            corpus_links(model, result) if f.kind == "corpus" else keyword_links.get(f.id),
        )
        view = embed_page(  # the embedded view, which the page's <iframe> snippet is sized for
            model,
            f"figures/{f.id}/",
            title=in_words(f.title),
            caption=in_words(f.caption),
            alt=result.alt,
            lang=f.title_language(model.language),
            citation=citation.in_edition,
            png=result.png,
            root=root,
        )
        pages.append(
            Page(
                f"figures/{f.id}/index",
                "figure.qmd.j2",
                in_words(f.title),
                f.title_language(model.language),
                in_words(f.caption),
                crumbs(root, Link(t("nav.figures"), root + "figures/index.html"), Link(f.id, "")),
                FigureContext(
                    # without the digest of every input (a corpus figure's: one per text), which
                    # the page shows only in part (inputs) and in inputs.csv
                    result=replace(result, components={}),
                    columns=columns,
                    rows=rows,
                    chart=inline_chart(result.svg, evidence_hrefs(columns, rows), result.tips, model.language),
                    documents=tuple(Link(model.documents[d].short_title, document_href(root, d)) for d in f.documents),
                    checks=result.checks,
                    inputs=inputs[:INPUTS_SHOWN],
                    inputs_count=len(inputs),
                    versions=tuple(sorted(model.versions.items())),
                    source_name=source_name,
                    rebuild_command=REBUILD_COMMAND.format(id=f.id),
                    citation=citation,
                    history=tuple(histories.get(f.id, ())),
                    version_href=f"v/{latest['version']}/index.html",
                    number=latest["number"],
                    comparisons=comparisons(model, f.id, root),
                    embed_code=embed_snippet(model, f"figures/{f.id}/", in_words(f.title), view),
                    bundle_href=f"{root}{model.up}figures/{f.id}/{BUNDLE_FILE}",
                ),
                files=(
                    ("figure.svg", result.svg),
                    ("figure.png", result.png),
                    *embed_files(result.png, model.scaled),
                    ("data.csv", result.csv),
                    (PDF_FILE, result.pdf),
                    (PRINT_PNG, result.print_png),
                    (source_name, result.source.encode("utf-8")),
                    ("inputs.csv", inputs_file(model, inputs)),
                    (
                        FEED,
                        version_feed(
                            model, histories.get(f.id, []), figure_feed_title(model, f.id), f"figures/{f.id}/"
                        ),
                    ),
                )
                + citation_files(citation)
                + current_bundle(model, f.id),
                feeds=((figure_feed_title(model, f.id), FEED), (changes_feed, f"{root}changes/{FEED}")),
                meta=scholar_meta(cited),
                json_ld=dataset_json_ld(
                    cited,
                    in_words(f.caption),
                    distribution(model, f"figures/{f.id}/v/{cited.version}/"),  # the cited version's files, which stay
                    document_urls(model, cited_version.meta["documents"]),  # as the version froze them
                    absolute(model, f"figures/{f.id}/{source_name}"),
                ),
                search_kind="figure",
                search_filters=tuple(("document", model.documents[d].short_title) for d in f.documents)
                + (("analysis", kind_label(interface, f.kind)),),
                scripts=(f"{root}{model.up}assets/compare.js", f"{root}{model.up}assets/copy-citation.js"),
            )
        )
        pages.append(view)

    # Timeline and methods.
    root = "../"
    events = tuple(
        TimelineEvent(
            row["date_text"],
            row["date_start"],
            row["date_end"],
            bool(row["approximate"]),
            row["label"],
            row["quote"],
            Link(model.documents[row["document_id"]].short_title, document_href(root, row["document_id"])),
            document_href(root, row["document_id"], row["anchor"]),
        )
        for _, row in model.events.iterrows()
    )
    events = tuple(sorted(events + corpus_first_uses(model, root), key=lambda e: (e.date_start, e.derived != "")))
    processes = []
    for process_id, steps in model.stages.groupby("process_id", sort=True):
        doc_id = steps["document_id"].iloc[0]
        processes.append(
            Process(
                steps["process_label"].iloc[0],
                Link(model.documents[doc_id].short_title, document_href(root, doc_id)),
                Link("Figure", figure_href(root, f"{process_id}-stages")),
                tuple(
                    (int(s["step"]), s["label"], s["quote"], document_href(root, doc_id, s["anchor"]))
                    for _, s in steps.iterrows()
                ),
            )
        )
    combined = model.results.get("case-timelines-combined")
    if "timeline/index" in {target for _, target in model.nav}:  # a site without timelines has no timeline page
        pages.append(
            Page(
                "timeline/index",
                "timeline.qmd.j2",
                t("page.timeline_title"),
                model.language,
                t("page.timeline_description"),
                crumbs(root, Link(t("nav.timeline"), "")),
                TimelineContext(figure_card(combined, root) if combined else None, events, tuple(processes)),
                search_kind="timeline",
            )
        )
    analyses = sorted({r.figure.analysis for r in results})
    docstrings = {r.figure.analysis: r.source for r in results}
    pages.append(
        Page(
            "methods/index",
            "methods.qmd.j2",
            t("nav.methods"),
            model.language,
            t("page.methods_description"),
            crumbs(root, Link(t("nav.methods"), "")),
            MethodsContext(
                analyses=tuple(
                    (
                        a,
                        *analysis_description(interface, a, docstrings[a]),
                        figure_href(root, next(r.figure.id for r in results if r.figure.analysis == a)),
                    )
                    for a in analyses
                ),
                lexicon=tuple((path, str(interface.resolve(text))) for path, text in model.lexicon_summary),
                checks=tuple((Link(r.figure.id, figure_href(root, r.figure.id)), c) for r in results for c in r.checks),
                versions=tuple(sorted(model.versions.items())),
            ),
            search_kind="methods",
        )
    )

    pages.append(not_found_page(model))

    from pilotsite.pages.citable import data_catalogue_page, version_pages
    from pilotsite.pages.corpus_pages import corpus_pages

    if model.catalog is not None:
        pages += corpus_pages(model, model.catalog)
    pages += version_pages(model)
    pages.append(data_catalogue_page(model))
    pages.append(
        Page(
            "changes/index",
            "changes.qmd.j2",
            t("nav.changes"),
            model.language,
            t("page.changes_description"),
            crumbs(root, Link(t("nav.changes"), "")),
            ChangesContext(editions(version_entries(model, root))),
            files=((FEED, version_feed(model, all_versions, changes_feed, "changes/")),),
            feeds=((changes_feed, FEED),),
        )
    )
    pages.append(
        Page(
            "search/index",
            "search.qmd.j2",
            t("nav.search"),
            model.language,
            t("page.search_description"),
            crumbs(root, Link(t("nav.search"), "")),
            SearchContext(
                f"{root}pagefind/",
                tuple(
                    f"{root}{model.up}{folder}/"
                    for bundles in model.search_bundles.values()
                    for folder, text_ids in bundles
                    if text_ids
                ),
                tuple(
                    f"{root}{model.up}{edition_bundle(folder, model.language)}/"
                    for bundles in model.search_bundles.values()
                    for folder, text_ids in bundles
                    if not text_ids
                ),
                search_filter_names(model),
                tuple((kind, t(f"search.kind.{kind.replace(' ', '_')}")) for kind in SEARCH_KINDS),
                search_filter_values(model),
                partly_indexed(model),
            ),
            scripts=(
                f"{root}pagefind/pagefind-ui.js",
                f"{root}{model.up}assets/query-words.js",
                f"{root}{model.up}assets/search.js",
            ),
        )
    )

    pages = [
        replace(p, path=EDITIONS[model.language] + p.path, language=model.language)
        for p in with_search_titles(model, pages)
    ]
    counts = Counter(p.path for p in pages)
    duplicates = sorted(p for p, n in counts.items() if n > 1)
    if duplicates:
        raise BuildError(f"two pages claim the same path: {', '.join(duplicates)}")
    return pages


def edition_list_pages(model: SiteModel) -> Iterator[Page]:
    """The paged lists of every corpus's texts in the model's edition, one by one: build_pages
    leaves them out, as they grow with the corpus (pipeline.write_pages writes them in turn). None
    is indexed for search, so none needs a search title."""
    from pilotsite.pages.corpus_pages import list_pages

    for corpus in model.catalog.corpora.values() if model.catalog is not None else ():
        for page in list_pages(corpus, model.interface):
            yield replace(page, path=EDITIONS[model.language] + page.path, language=model.language)


def not_found_page(model: SiteModel) -> Page:
    """The page a host serves for an address with nothing behind it (404.html at the root of each
    edition; hosts such as GitHub Pages and Netlify serve the site root's). It is served at that
    address, so its relative URLs resolve against its own folder by <base href>, the path of the
    site's URL. It says, in every language, what may have happened and where to go instead."""
    from urllib.parse import urlsplit

    t = model.interface.text
    root = urlsplit(model.project.settings.site_url).path.rstrip("/") + "/"
    return Page(
        "404",
        "not_found.qmd.j2",
        t("not_found.title"),
        model.language,
        t("not_found.description"),
        (),
        NotFoundContext(
            model.nav,
            tuple((other, f"{model.up}{EDITIONS[other]}index.html") for other in EDITIONS if other != model.language),
        ),
        meta=(("robots", "noindex"),),
        base=root + EDITIONS[model.language],
    )


def search_filter_names(model: SiteModel) -> tuple[tuple[str, str], ...]:
    """Each search filter's name as pages give it to Pagefind, and as the edition says it: the
    kind of page, the document, the analysis, and each corpus's grouping columns (named as the
    corpus pages name them)."""
    from pilotsite.pages.corpus_pages import SEARCH_PAGE_FILTERS, column_name, search_filter_name
    from pilotsite.pages.sources import pagefind_name

    t = model.interface.text
    names = {name: t(f"search.filter.{name}") for name in SEARCH_PAGE_FILTERS}
    for corpus in model.catalog.corpora.values() if model.catalog is not None else ():
        for grouping in corpus.groupings:
            shown = column_name(model.interface, grouping.column, corpus)
            names.setdefault(search_filter_name(grouping.column), shown[:1].upper() + shown[1:])
    # by the name as Pagefind's UI gives it to its checkboxes: as indexed, escaped (pagefind_name)
    return tuple((str(pagefind_name(name)), shown) for name, shown in names.items())


def search_filter_values(model: SiteModel) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """Per grouping filter (keyed as search_filter_names keys it), its values that the catalogues
    name in the edition's words (level central is 中央): the text pages give Pagefind the values
    as the metadata writes them, in one index for both editions."""
    from pilotsite.pages.corpus_pages import search_filter_name, value_name
    from pilotsite.pages.sources import pagefind_name

    named: dict[str, dict[str, str]] = {}
    for corpus in model.catalog.corpora.values() if model.catalog is not None else ():
        for grouping in corpus.groupings:
            words = named.setdefault(str(pagefind_name(search_filter_name(grouping.column))), {})
            for value in grouping.values:
                word = value_name(model.interface, grouping.column, value)
                if word != value:
                    words.setdefault(value, word)
    return tuple((name, tuple(sorted(words.items()))) for name, words in sorted(named.items()) if words)


QUOTE_OPENING = 24  # characters of a quoted passage that the document's list of them shows


def quoted_list(
    model: SiteModel, passages: list[QuotedPassage], root: str
) -> tuple[tuple[str, str, tuple[Link, ...]], ...]:
    """The document's quoted passages (in_text_order): (anchor, the passage's opening, a link to
    each figure whose data quotes it, by title; a passage only an earlier version quotes links to
    the figure that quoted it)."""
    return tuple(
        (
            anchor,
            quote if len(quote) <= QUOTE_OPENING else quote[:QUOTE_OPENING].rstrip() + "…",
            tuple(Link(figure_title(model, f), figure_href(root, f)) for f in figures),
        )
        for quote, anchor, figures in passages
    )


def partly_indexed(model: SiteModel) -> tuple[tuple[str, int], ...]:
    """The corpora whose texts search reads only the opening of: a text of more bytes than the
    corpus's search_characters may have more characters too (one of fewer bytes has not)."""
    corpora = model.catalog.corpora.values() if model.catalog is not None else ()
    return tuple(
        (corpus.in_language(model.language).title, corpus.search_characters)
        for corpus in corpora
        if any(text.size > corpus.search_characters for text in corpus.texts)
    )


def with_search_titles(model: SiteModel, pages: list[Page]) -> list[Page]:
    """The indexed pages with their search_title: the words of the title and of the page's other
    names (search_aliases) for Pagefind's ranking (the search page boosts matches in it,
    search.js), Chinese segmented as the keyword analyses do, with the user dictionary. The
    segmented Chinese names are kept in the build cache by the names, the lexicon and the
    tokeniser's code, so a rebuild starts jieba only for new names."""
    import json
    from dataclasses import replace

    from pilotsite.analysis import words
    from pilotsite.state.fingerprint import package_version, write_atomic

    named = [name for p in pages if p.search_kind for name in (p.title, *p.search_aliases)]
    chinese = sorted({name for name in named if HAN_CHARACTER.search(name)})
    parts = [
        json.dumps(chinese, ensure_ascii=False),
        package_version("jieba"),
        Path(words.__file__).read_text(encoding="utf-8"),
        words.load_lexicon(model.project.root).user_dictionary.read_text(encoding="utf-8-sig"),
        Path(__file__).read_text(encoding="utf-8"),
    ]
    key = hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()
    cache = (
        model.catalog.cache_dir / "search-titles" / f"{key}.json"
        if model.catalog is not None and model.catalog.cache_dir is not None
        else None
    )
    if cache is not None and cache.is_file():
        segmented = json.loads(cache.read_text(encoding="utf-8"))
    else:
        tokenizer = words.chinese_tokenizer(parts[3]) if chinese else None
        segmented = {title: search_words(title, tokenizer) for title in chinese}
        if cache is not None:
            write_atomic(cache, json.dumps(segmented, ensure_ascii=False).encode("utf-8"))
    return [
        replace(
            p, search_title=" ".join(segmented.get(name) or search_words(name) for name in (p.title, *p.search_aliases))
        )
        if p.search_kind
        else p
        for p in pages
    ]


def search_words(title: str, tokenizer: Tokenizer | None = None) -> str:
    """A title's words, space-separated. With a jieba tokenizer its Chinese is segmented, and each
    word is followed by the shorter words inside it (jieba's search mode: 社会保障 gives 社会保障,
    社会 and 保障): the search page splits a query into the words of Pagefind's index, which keeps
    社会 | 保障 apart where jieba keeps 社会保障 whole, and each of them then matches a word of the
    title as it is, which Pagefind ranks above a match at a word's start. Tokens without a letter or
    digit (punctuation, spaces) are left out; Pagefind splits the rest as it splits body text
    (Return-migrant: return, migrant)."""
    if tokenizer is None:
        return " ".join(token for token in title.split() if re.search(r"\w", token))
    found = []
    for word in tokenizer.lcut(title):
        if re.search(r"\w", word):
            found += [word] + [part for part in tokenizer.lcut_for_search(word) if part != word]
    return " ".join(found)


def corpus_first_uses(model: SiteModel, root: str) -> tuple[TimelineEvent, ...]:
    """The centre's first use of each diffusion term, as dated events derived from a corpus
    (the rows of level centre of each <corpus>-diffusion-adoption figure), quoting the sentence."""
    events = []
    for result in model.results.values():
        data = result.data
        if result.figure.kind != "corpus" or not {"term", "level", "first_date", "sentence", "text_id"} <= set(
            data.columns
        ):
            continue
        corpus_id = result.figure.params.get("corpus")
        corpus = (
            model.catalog.corpora.get(corpus_id) if model.catalog is not None and isinstance(corpus_id, str) else None
        )
        if corpus is None or not result.figure.id.endswith("-diffusion-adoption"):
            continue
        links = corpus_links(model, result)
        for row in data[data["level"] == "centre"].itertuples(index=False):
            events.append(
                TimelineEvent(
                    row.first_date,
                    row.first_date,
                    row.first_date,
                    False,
                    model.interface.text("timeline.first_use", term=row.term),
                    row.sentence,
                    Link(
                        f"{row.title} ({corpus.name.of(model.language)})",
                        root + links.get(("text_id", row.text_id), ""),
                    ),
                    root + links.get(("sentence", row.sentence), ""),
                    derived=figure_href(root, result.figure.id),
                )
            )
    return tuple(events)


def corpus_links(model: SiteModel, result: FigureResult) -> dict[tuple[str, str], str]:
    """Where a corpus figure's cells lead: keywords and sub-tools to their evidence pages, texts
    and sentences to their place in the text."""
    from pilotsite.pages.corpus_pages import sentence_links

    corpus_id = result.figure.params.get("corpus")
    if not isinstance(corpus_id, str):  # no corpus named: nothing to link (every corpus id is a str)
        return {}
    corpus = model.catalog.corpora.get(corpus_id) if model.catalog is not None else None
    return {**model.evidence.get(corpus_id, {}), **(sentence_links(corpus, result.data) if corpus else {})}


def analysis_description(interface: Interface, analysis: str, source: str) -> tuple[str, str, str]:
    """(description, its language, note) of an analysis for the methods page: its docstring, or in
    another edition the translation in data/i18n/analyses.<language>.yaml, where there is one
    (else the docstring, with a note naming the file and key to add)."""
    reference = LANGUAGES[0]
    if interface.language == reference:
        return module_docstring(source), reference, ""
    translated = interface.description(analysis)
    if translated:
        return translated, interface.language, ""
    return (
        module_docstring(source),
        reference,
        interface.text("methods.untranslated", file=descriptions_label(interface.language), key=analysis),
    )


def module_docstring(source: str) -> str:
    import ast

    return ast.get_docstring(ast.parse(source)) or ""
