"""Pages for the corpus studies: an overview per corpus, paged lists of its texts narrowed by
metadata (level, province, year, …), a page per text, and keyword-in-context evidence pages
for every coded sub-tool and every top keyword, so each count can be audited.

Corpora can be large, so nothing here holds every text at once: evidence is gathered in one
streaming pass over the texts (and cached by what it depends on), and text pages are made in
batches that the build renders and lets go (corpus_texts.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from pilotsite.figures.figure import Catalog
from pilotsite.inputs.corpus import LIST_COLUMNS, YEAR, Corpus, CorpusText, Grouping, column_id, split_sentences
from pilotsite.inputs.interface import Interface, corpus_value
from pilotsite.pages.model import EDITIONS, Link, Page, SiteModel, figure_href, in_words

SHOWN = 100  # sentences listed on an evidence page; evidence.csv has them all
# a longer text is split into pages of about this many characters (about 150 KB of HTML: see webfont.FONT_BUDGET)
PART_CHARACTERS = 40_000


@dataclass(frozen=True)
class EvidenceItem:
    kind: str  # "tool" | "word"
    value: str  # sub-tool id or word
    label: str
    what: str  # "sub-tool" | "keyword"
    rule: str  # how a sentence is counted, in words
    aliases: tuple[str, ...] = ()  # its label in the other editions, where that differs

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.value}"


@dataclass(frozen=True)
class EvidenceRow:
    text: Link
    values: tuple[str, ...]  # the text's values in the evidence columns
    sentence: str
    occurrences: int


@dataclass(frozen=True)
class EvidenceContext:
    corpus_title: str
    what: str  # "sub-tool" | "keyword"
    rule: str  # the patterns, or "jieba token equals …"
    total_units: int
    by_group: tuple[tuple[str, int], ...]  # occurrences by the groups of the corpus's first grouping
    columns: tuple[str, ...]  # the names of the evidence columns (the grouping columns)
    rows: tuple[EvidenceRow, ...]
    shown: int
    figures: tuple[Link, ...]
    saved_as: str  # the name evidence.csv is downloaded under: <corpus>-<item's folder>-evidence.csv


@dataclass(frozen=True)
class CorpusTextContext:
    corpus_title: str
    metadata: tuple[tuple[str, str, str], ...]  # (column, its name, value) in the header's order, file last
    sentences: tuple[tuple[int, str], ...]  # (number, sentence) of this part
    indexed: int  # how many of those sentences search indexes (the text's opening)
    parts: tuple[Link, ...]  # the pages of a long text, in order ("" href for this one)
    lists: tuple[Link, ...]  # the lists the text is in


@dataclass(frozen=True)
class TextListContext:
    corpus_title: str
    heading: str
    total: int
    texts: tuple[tuple[Link, str, str, str], ...]  # (text, date, the values shown, its row's id: where a year starts)
    columns: tuple[str, ...]
    pages: tuple[tuple[Link, str], ...]  # the list's pages ("" href for this one), each with the dates it spans
    previous_page: Link | None
    next_page: Link | None
    order: str  # the order of the rows, in words
    years: tuple[Link, ...]  # in a value's list: a link to where each of its years starts, with its number of texts
    of_value: bool  # the list of a value's texts (not of every text), which the other lists do not narrow
    facets: tuple[tuple[str, tuple[Link, ...]], ...]  # (column, links to each value's list with its count)


@dataclass(frozen=True)
class CorpusOverview:
    id: str
    title: str
    path: str  # the folder as the site names it (Corpus.home)
    outside: bool  # the folder lies outside the project: the site does not say where
    texts: int
    dated: int
    groupings: tuple[tuple[str, tuple[tuple[str, int], ...], int], ...]  # (label, (group, texts), texts in no group)
    figures: tuple[Link, ...]
    not_drawn: tuple[tuple[str, str], ...]  # (title, why)
    notes: tuple[str, ...]
    evidence: tuple[dict[str, str | int], ...]  # kind, label, href, units of each evidence item
    lists: tuple[tuple[str, tuple[Link, ...]], ...]  # (column, links to each value's list)
    all_texts: Link


@dataclass(frozen=True)
class CorpusIndexContext:
    corpora: tuple[CorpusOverview, ...]


@dataclass
class Evidence:
    """What one item counted: totals, the first SHOWN rows, and its evidence.csv."""

    total: int = 0
    by_group: dict[str, int] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)  # as evidence.csv has them, and their page
    csv: Path | None = None


SEARCH_PAGE_FILTERS = ("kind", "document", "analysis")  # what every indexed page may be filtered by
# The year list of the texts without a date: as a value, the empty string, which no value a list
# is made of can be (a text with an empty value is in no list of that column); as a folder, one no
# value's hashed folder can be.
UNDATED = ""
UNDATED_FOLDER = "undated"


def slug(kind: str, value: str) -> str:
    return f"{kind}-{hashlib.sha256(value.encode('utf-8')).hexdigest()[:10]}"


def evidence_path(corpus_id: str, kind: str, value: str) -> str:
    return f"corpus/{corpus_id}/evidence/{slug(kind, value)}/index.html"


def text_path(corpus_id: str, text_id: str, part: int = 1) -> str:
    return f"corpus/{corpus_id}/texts/{text_id}/" + (f"part-{part}/" if part > 1 else "") + "index.html"


def list_path(corpus_id: str, folder: str = "", value: str = "", page: int = 1) -> str:
    """A page of a text list: every text, or those with one value in a column (its folder: list_folders)."""
    named = UNDATED_FOLDER if value == UNDATED else slug("v", value)
    base = f"corpus/{corpus_id}/list/" + (f"{folder}/{named}/" if folder else "")
    return base + (f"page-{page}/" if page > 1 else "") + "index.html"


def parts_of(sentences: list[str]) -> list[int]:
    """The page (from 1) of each sentence: a new page starts once PART_CHARACTERS are reached."""
    parts, part, size = [], 1, 0
    for sentence in sentences:
        if size >= PART_CHARACTERS:
            part, size = part + 1, 0
        parts.append(part)
        size += len(sentence)
    return parts


def evidence_columns(corpus: Corpus) -> tuple[str, ...]:
    """The metadata columns evidence rows carry: those the corpus's studies group by."""
    return tuple(dict.fromkeys(c for g in corpus.groupings for c in [c for c, _ in g.where] + [g.column]))


def list_columns(corpus: Corpus) -> tuple[str, ...]:
    """The columns a reader can narrow the text list by."""
    available = set(corpus.columns) | ({YEAR} if "date" in corpus.columns else set())
    return tuple(dict.fromkeys([g.column for g in corpus.groupings] + [c for c in LIST_COLUMNS if c in available]))


def list_folders(corpus: Corpus) -> dict[str, str]:
    """Each list column's folder under list/: its column_id (province, issuer-tier, 发文机关, r-d-tier
    for "R&D tier"), or where it has none or another column took it, its grouping's id; a digest
    of the column where even that is taken (by a case-blind file system too)."""
    folders: dict[str, str] = {}
    taken: set[str] = set()
    for column in list_columns(corpus):
        candidates = [column_id(column), *(g.id for g in corpus.groupings if g.column == column), slug("c", column)]
        folder = next(c for c in candidates if c is not None and c.casefold() not in taken)
        taken.add(folder.casefold())
        folders[column] = folder
    return folders


def top_keywords(model: SiteModel, corpus_id: str) -> list[str]:
    """Every word a figure of the corpus shows (top keywords by group, keyness): each has an
    evidence page, which the figure's bars and table link to."""
    words = set()
    for result in model.results.values():
        if (
            result.figure.kind == "corpus"
            and result.figure.params.get("corpus") == corpus_id
            and "keyword" in result.data.columns
        ):
            words |= set(result.data["keyword"])
    return sorted(words)


def shown_items(data: pd.DataFrame) -> frozenset[str]:
    """The evidence items (EvidenceItem.key) a corpus figure's data names: its keywords and sub-tools."""
    return frozenset(
        f"{kind}:{value}"
        for kind, column in (("word", "keyword"), ("tool", "sub_tool"))
        if column in data.columns
        for value in data[column].astype(str)
    )


def evidence_items(model: SiteModel, corpus: Corpus) -> list[EvidenceItem]:
    # a site with a corpus has its catalog, and the text work on its corpora
    assert model.catalog is not None and model.catalog.textwork is not None
    tools, text = model.catalog.textwork.tools, model.interface.text
    items = [
        EvidenceItem(
            "tool",
            tool.id,
            tool.label_in(model.language),
            text("evidence.what_tool"),
            text("evidence.rule_tool", patterns=" | ".join(tool.patterns)),
            tuple(
                dict.fromkeys(
                    label
                    for label in (tool.label_in(language) for language in EDITIONS)
                    if label != tool.label_in(model.language)
                )
            ),
        )
        for tool in tools
    ]
    items += [
        EvidenceItem("word", word, word, text("evidence.what_word"), text("evidence.rule_word", word=word))
        for word in top_keywords(model, corpus.id)
    ]
    return items


def evidence_links(model: SiteModel, catalog: Catalog) -> dict[str, dict[tuple[str, str], str]]:
    """corpus id -> (column, value) -> evidence page, for linking figure tables to their evidence."""
    links: dict[str, dict[tuple[str, str], str]] = {}
    for corpus in catalog.corpora.values():
        own = links.setdefault(corpus.id, {})
        for item in evidence_items(model, corpus):
            own[("sub_tool" if item.kind == "tool" else "keyword", item.value)] = evidence_path(
                corpus.id, item.kind, item.value
            )
    return links


@lru_cache(maxsize=256)
def text_parts(corpus: Corpus, text: CorpusText) -> tuple[int, ...]:
    """The page of each sentence of a text, read once per build however many figures (and the
    timeline) link into it."""
    return tuple(parts_of(split_sentences(corpus.read_text(text))))


def sentence_links(corpus: Corpus, data: pd.DataFrame) -> dict[tuple[str, str], str]:
    """For a figure whose rows name a text and a sentence (text_id, sentence_number): (column,
    value) -> the sentence on the text's page, for the text_id and sentence cells of each row."""
    if not {"text_id", "sentence_number"} <= set(data.columns):
        return {}
    texts = {t.id: t for t in corpus.texts}
    links: dict[tuple[str, str], str] = {}
    for row in data.itertuples(index=False):
        text = texts.get(row.text_id)
        if text is None or not str(row.sentence_number).isdigit():
            continue
        parts = text_parts(corpus, text)
        number = int(row.sentence_number)
        part = parts[number - 1] if 0 < number <= len(parts) else 1
        href = sentence_href("", corpus.id, text.id, number, part)
        links[("text_id", text.id)] = links.get(("text_id", text.id), href)
        if "sentence" in data.columns:
            links[("sentence", row.sentence)] = href
    return links


def sentence_href(root: str, corpus_id: str, text_id: str, number: int, part: int = 1) -> str:
    return f"{root}{text_path(corpus_id, text_id, part)}#s-{number}"


def corpus_pages(model: SiteModel, catalog: Catalog) -> list[Page]:
    """Every corpus page but the text pages (see text_page_batches): overview, lists, evidence."""
    pages, overview = [], []
    t = model.interface.text
    names: dict[tuple[str, str], str] = {}

    def named(column: str, value: str) -> str:  # a value as the edition names it, looked up once
        if (column, value) not in names:
            names[column, value] = value_name(model.interface, column, value)
        return names[column, value]

    for corpus in catalog.corpora.values():
        corpus = corpus.in_language(model.language)
        figures = [
            (Link(in_words(r.figure.title), r.figure.id), shown_items(r.data))
            for r in sorted(model.results.values(), key=lambda r: r.figure.id)
            if r.figure.kind == "corpus" and r.figure.params.get("corpus") == corpus.id
        ]
        items = evidence_items(model, corpus)
        evidence = model.corpus_evidence[corpus.id]  # gathered by the per-text stage (corpus_texts.py)
        columns = evidence_columns(corpus)
        first = corpus.groupings[0] if corpus.groupings else None
        listing: list[dict[str, str | int]] = []
        for item in items:
            found = evidence[item.key]
            assert found.csv is not None  # evidence read back from its folder names its file (corpus_texts.py)
            path = evidence_path(corpus.id, item.kind, item.value)[: -len("/index.html")]
            root = "../" * path.count("/") + "../"
            rows = tuple(
                EvidenceRow(
                    Link(r["title"], sentence_href(root, corpus.id, r["text_id"], r["sentence_number"], r["part"])),
                    # in the edition's words, as the text pages name them (evidence.csv keeps them as written)
                    tuple(named(c, v) if v else v for c, v in zip(columns, r["values"], strict=True)),
                    r["sentence"],
                    r["occurrences"],
                )
                for r in found.rows
            )
            by_group = (
                tuple((group_name(model.interface, first, v), found.by_group.get(v, 0)) for v in first.filled)
                if first
                else ()
            )
            pages.append(
                Page(
                    f"{path}/index",
                    "evidence.qmd.j2",
                    t("evidence.title", label=item.label, what=item.what),
                    model.language,  # the title is the edition's words around the label
                    t("evidence.description", corpus=corpus.title, what=item.what, label=item.label),
                    (
                        Link(t("nav.index"), root + "index.html"),
                        Link(t("nav.corpus"), root + "corpus/index.html"),
                        Link(item.label, ""),
                    ),
                    EvidenceContext(
                        corpus.title,
                        item.what,
                        item.rule,
                        found.total,
                        by_group,
                        tuple(column_name(model.interface, c, corpus) for c in columns),
                        rows,
                        len(rows),
                        # the figures that show the item (a bar, a row of their table)
                        tuple(Link(f.label, figure_href(root, f.href)) for f, shown in figures if item.key in shown),
                        f"{corpus.id}-{path.rsplit('/', 1)[-1]}-evidence.csv",
                    ),
                    files=(("evidence.csv", found.csv),),
                    search_kind="evidence",
                    search_aliases=item.aliases,
                )
            )
            listing.append(
                {
                    "kind": item.what,
                    "label": item.label,
                    "href": evidence_path(corpus.id, item.kind, item.value)[len("corpus/") :],
                    "units": found.total,
                }
            )
        not_drawn = tuple((in_words(n.title), in_words(n.reason)) for n in model.not_drawn if n.corpus == corpus.id)
        overview.append(
            CorpusOverview(
                id=corpus.id,
                title=corpus.title,
                path=corpus.home,
                outside=corpus.outside,
                texts=len(corpus.texts),
                dated=corpus.dated,
                groupings=tuple(
                    (
                        str(model.interface.resolve(g.name)),
                        tuple((group_name(model.interface, g, v), len(g.members[v])) for v in g.values),
                        g.ungrouped,
                    )
                    for g in corpus.groupings
                ),
                figures=tuple(Link(f.label, figure_href("../", f.href)) for f, _ in figures),
                not_drawn=not_drawn,
                notes=tuple(str(model.interface.resolve(note)) for note in corpus.notes),
                evidence=tuple(listing),
                lists=list_links(corpus, "corpus/", model.interface),
                all_texts=Link(
                    t(
                        "corpus.all_texts_link_one" if len(corpus.texts) == 1 else "corpus.all_texts_link",
                        count=len(corpus.texts),
                    ),
                    "../" + list_path(corpus.id),
                ),
            )
        )
    if overview:
        pages.append(
            Page(
                "corpus/index",
                "corpus.qmd.j2",
                t("nav.corpus"),
                model.language,
                t("page.corpus_description"),
                (Link(t("nav.index"), "../index.html"), Link(t("nav.corpus"), "")),
                CorpusIndexContext(tuple(overview)),
            )
        )
    return pages


@lru_cache(maxsize=64)
def column_values(corpus: Corpus, column: str) -> list[tuple[str, list[CorpusText]]]:
    """(value, texts) for every value of a column, in the grouping's order where one declares it."""
    declared = next((g.values for g in corpus.groupings if g.column == column and not g.where), ())
    found: dict[str, list[CorpusText]] = {}
    for text in corpus.texts:
        if text.value(column):
            found.setdefault(text.value(column), []).append(text)
    order = [v for v in declared if v in found] + sorted(v for v in found if v not in declared)
    # the texts the studies over time leave out (they read the date, not a year column of the
    # corpus's own) are listed too: their figures' notes point here
    undated = [t for t in corpus.texts if not t.date] if column == YEAR else []
    return [(v, found[v]) for v in order] + ([(UNDATED, undated)] if undated else [])


def column_name(interface: Interface, column: str, corpus: Corpus | None = None) -> str:
    """A metadata column as pages name it: as a grouping's label names it in data/corpora.yaml
    (Corpus.column_label), else the catalogues' corpus.column.<column> where they have it
    (province is 省份 in Chinese), else the column with spaces for underscores."""
    labelled = corpus.column_label(column) if corpus is not None else None
    if labelled is not None:
        return str(interface.resolve(labelled))
    key = f"corpus.column.{column}"
    return interface.text(key) if interface.has(key) else column.replace("_", " ")


def value_name(interface: Interface, column: str, value: str) -> str:
    """A metadata value as pages name it: the catalogues' corpus.value.<column>.<value> where they
    have it (level central is 中央 in Chinese), else as the metadata writes it. Figures and their
    data keep the values as written."""
    return str(interface.resolve(corpus_value(interface, column, value)))


def group_name(interface: Interface, grouping: Grouping, value: str) -> str:
    """A group's name on pages where groups of several groupings stand together ('local · east')."""
    return " · ".join(value_name(interface, c, v) for c, v in [*grouping.where, (grouping.column, value)])


def list_name(interface: Interface, corpus: Corpus, column: str, value: str) -> str:
    """A value's list as a text page's links and the list's breadcrumb name it: "province: 山东",
    and "Texts without a date" for the year list of undated texts (not "year: ")."""
    if (column, value) == (YEAR, UNDATED):
        return interface.text("text_list.undated_link")
    return interface.text(
        "corpus_text.list_link",
        column=column_name(interface, column, corpus),
        value=value_name(interface, column, value),
    )


def search_filter_name(column: str) -> str:
    """A grouping column's search filter: the column with spaces for underscores, kept apart from
    the search page's own filters where it has one of their names (a column named kind)."""
    name = column.replace("_", " ")
    return f"{name} (metadata)" if name.casefold() in SEARCH_PAGE_FILTERS else name


def list_links(
    corpus: Corpus, folder: str, interface: Interface, counts: bool = True
) -> tuple[tuple[str, tuple[Link, ...]], ...]:
    """For each list column: a link to each value's list (with its number of texts), from a page
    in folder (its path from the site root, ending in /). The lists themselves leave the counts
    out, so a new text changes only the lists it is in."""
    root = "../" * folder.count("/")
    return tuple(
        (
            column_name(interface, column, corpus),
            tuple(
                Link(
                    f"{label} ({len(texts)})" if counts else label,
                    root + list_path(corpus.id, listed, value),
                )
                for value, texts in column_values(corpus, column)
                for label in [
                    value_name(interface, column, value)
                    if value != UNDATED
                    else interface.text("text_list.undated_link")
                ]
            ),
        )
        for column, listed in list_folders(corpus).items()
    )


def list_pages(corpus: Corpus, interface: Interface) -> Iterator[Page]:
    """Paged lists of the texts: every text, and the texts of each value of each list column.
    Plain links, so narrowing works without JavaScript. Made one by one (ten times the corpus has
    1,448 of them, hundreds of megabytes of page models): the build writes them a few hundred at
    a time, after the other pages (pipeline.write_pages)."""
    corpus = corpus.in_language(interface.language)
    t = interface.text
    shown = tuple(c for c in list_columns(corpus) if c != YEAR)
    lists = [("", "", t("text_list.all", corpus=corpus.title), list(corpus.texts))]
    for column in list_columns(corpus):
        for value, texts in column_values(corpus, column):
            lists.append(
                (
                    column,
                    value,
                    t("text_list.undated", corpus=corpus.title)
                    if (column, value) == (YEAR, UNDATED)
                    else t(
                        "text_list.with_value",
                        corpus=corpus.title,
                        column=column_name(interface, column, corpus),
                        value=value_name(interface, column, value),
                    ),
                    texts,
                )
            )
    folders = list_folders(corpus)
    size = corpus.list_page_size
    for column, value, heading, listed_texts in lists:
        texts = in_date_order(listed_texts)
        count = max(1, -(-len(texts) // size))
        listed = folders.get(column, "")
        chunks = [texts[(n - 1) * size : n * size] for n in range(1, count + 1)]
        dated = [d for text in texts if (d := date_of(text))]
        spans = page_spans(chunks, t("text_list.span_undated")) if dated else [""] * count
        order = t(
            "text_list.order_by_id"
            if not dated
            else "text_list.order_undated"
            if len(dated) < len(texts)
            else "text_list.order"
        )
        # where each year of the list starts: (year, its page, its number of texts); "" for undated texts
        starts: dict[str, list[int]] = {}
        for position, text in enumerate(texts):
            starts.setdefault(date_of(text)[:4], [position // size + 1, 0])[1] += 1
        jumps = column not in ("", YEAR) and len(starts) > 1
        for number, chunk in enumerate(chunks, start=1):
            path = list_path(corpus.id, listed, value, number)
            root = "../" * path.count("/")
            hrefs = {n: root + list_path(corpus.id, listed, value, n) for n in range(1, count + 1)} | {number: ""}
            years = (
                tuple(
                    Link(
                        f"{year or t('text_list.span_undated')} ({texts_in_year})",
                        hrefs[page] + "#" + year_anchor(year),
                    )
                    for year, (page, texts_in_year) in starts.items()
                )
                if jumps
                else ()
            )
            rows, anchored = [], set()
            for text in chunk:
                year = date_of(text)[:4]
                rows.append(
                    (
                        Link(f"{text.id} {text.title}", root + text_path(corpus.id, text.id)),
                        text.date,
                        # a dash for an empty value: each value stands under its column's name in the header
                        " · ".join(value_name(interface, c, text.value(c)) if text.value(c) else "—" for c in shown),
                        # the row where its year starts, which the list's years link to
                        year_anchor(year) if jumps and starts[year][0] == number and year not in anchored else "",
                    )
                )
                anchored.add(year)
            page_links = tuple((Link(str(n), hrefs[n]), spans[n - 1]) for n in range(1, count + 1)) if count > 1 else ()
            yield Page(
                path[: -len(".html")],
                "text_list.qmd.j2",
                t("text_list.paged_title", heading=heading, number=number, count=count) if count > 1 else heading,
                interface.language,
                t(
                    "text_list.description_one" if len(texts) == 1 else "text_list.description",
                    count=len(texts),
                    corpus=corpus.title,
                ),
                (
                    Link(t("nav.index"), root + "index.html"),
                    Link(t("nav.corpus"), root + "corpus/index.html"),
                    Link(t("corpus.texts"), "" if not column and number == 1 else root + list_path(corpus.id)),
                )
                + ((Link(list_name(interface, corpus, column, value), ""),) if column else ()),
                TextListContext(
                    corpus.title,
                    heading,
                    len(texts),
                    tuple(rows),
                    tuple(column_name(interface, c, corpus) for c in shown),
                    page_links,
                    Link(t("text_list.previous"), hrefs[number - 1]) if number > 1 else None,
                    Link(t("text_list.next"), hrefs[number + 1]) if number < count else None,
                    order,
                    years,
                    bool(column),
                    list_links(corpus, path[: path.rindex("/") + 1], interface, counts=False),
                ),
            )


def date_of(text: CorpusText) -> str:
    """The date a list orders a text by: its date, else its year where a year column of the
    corpus's own gives one; "" for a text with neither."""
    return text.date or text.value(YEAR)


def in_date_order(texts: list[CorpusText]) -> list[CorpusText]:
    """Texts oldest first, those without a date last, in id order within a date: a reader looking
    for a province's texts of one year finds them together in the province's list, on the page
    whose span (page_span) holds that year."""
    return sorted(texts, key=lambda text: (not date_of(text), date_of(text), text.id))


def year_anchor(year: str) -> str:
    """The id of the row where a year's texts start in a list: "undated" for the texts without a
    date (year ""); a year column's value of other characters than letters and digits is hashed."""
    if not year:
        return "undated"
    return f"y-{year}" if year.isascii() and year.isalnum() else slug("y", year)


def page_spans(chunks: list[list[CorpusText]], undated: str) -> list[str]:
    """The dates each page of a list spans, in years where that tells its pages apart, else in
    months, else in days: a list within one year, or with two pages of one year's texts."""
    for width in (4, 7, 10):
        spans = [page_span(chunk, width, undated) for chunk in chunks]
        if len(set(spans)) == len(spans):
            break
    return spans


def page_span(texts: list[CorpusText], width: int, undated: str) -> str:
    """The dates a page of a list spans, cut to width characters (4: years; 7: months; 10: days), as its
    link in the list's page numbers shows them: "2003–2008", "2019 · no date"."""
    dates = [d[:width] for text in texts if (d := date_of(text))]
    parts = []
    if dates:
        first, last = dates[0], dates[-1]
        parts.append(first if first == last else f"{first}–{last}" if width == 4 else f"{first} – {last}")
    if len(dates) < len(texts):
        parts.append(undated)
    return " · ".join(parts)


def text_key_hint(corpus: Corpus, text: CorpusText) -> str:
    """Everything a text's pages show besides their sentences and the engine's code: with the
    text file's digest, a key for the page caches that needs no reading of the text."""
    return json.dumps(
        [
            corpus.id,
            corpus.title,
            corpus.titles,
            corpus.columns,
            [g.column for g in corpus.groupings],
            list_columns(corpus),
            corpus.search_characters,
            PART_CHARACTERS,
            text.id,
            text.title,
            text.date,
            text.file,
            text.digest,
            sorted(text.values.items()),
        ],
        ensure_ascii=False,
    )


def search_details(text: CorpusText) -> str:
    """What a text is found by besides its words: its id and its metadata as written (the same in
    both editions, whose pages share one index), each once; not its file's digest."""
    values = [text.id, text.file, *(v for c, v in text.values.items() if c not in ("id", "title", "file"))]
    return " ".join(dict.fromkeys(" ".join(v.split()) for v in values if v.strip() and v != text.digest))


def text_pages(corpus: Corpus, text: CorpusText, sentences: list[str], interface: Interface) -> list[Page]:
    """A text's page (or pages, for a long text), sentence by sentence with anchors #s-N."""
    corpus = corpus.in_language(interface.language)
    t = interface.text
    parts = parts_of(sentences)
    count = parts[-1] if parts else 1
    metadata = tuple(
        (c, column_name(interface, c, corpus), value_name(interface, c, text.values[c]))
        for c in corpus.columns
        if c not in ("id", "title", "file") and text.values.get(c)
    ) + (("file", column_name(interface, "file"), text.file),)
    budget, indexed = corpus.search_characters, 0
    for sentence in sentences:
        if budget <= 0:
            break
        budget -= len(sentence)
        indexed += 1
    filters = tuple(
        (search_filter_name(g.column), text.value(g.column)) for g in corpus.groupings if text.value(g.column)
    )
    pages = []
    for part in range(1, count + 1):
        path = text_path(corpus.id, text.id, part)
        root = "../" * path.count("/")
        numbered = tuple((n, s) for n, (s, p) in enumerate(zip(sentences, parts, strict=False), 1) if p == part)
        part_links = (
            tuple(
                Link(t("corpus_text.part", number=n), "" if n == part else root + text_path(corpus.id, text.id, n))
                for n in range(1, count + 1)
            )
            if count > 1
            else ()
        )
        lists = tuple(
            Link(list_name(interface, corpus, c, value), root + list_path(corpus.id, listed, value))
            for c, listed in list_folders(corpus).items()
            # a text without a date is in the list of texts without one (column_values), as well
            # as in its year's where a year column of the corpus's own gives it one
            for value in [text.value(c)] * bool(text.value(c)) + [UNDATED] * (c == YEAR and not text.date)
        )
        pages.append(
            Page(
                path[: -len(".html")],
                "corpus_text.qmd.j2",
                t("corpus_text.part_title", title=text.title, number=part, count=count) if count > 1 else text.title,
                "zh",
                t("corpus_text.description", title=text.title, corpus=corpus.title),
                (
                    Link(t("nav.index"), root + "index.html"),
                    Link(t("nav.corpus"), root + "corpus/index.html"),
                    Link(t("corpus.texts"), root + list_path(corpus.id)),
                    Link(text.id, ""),
                ),
                CorpusTextContext(
                    corpus.title,
                    metadata if part == 1 else (),
                    numbered,
                    max(0, indexed - (numbered[0][0] - 1)) if numbered else 0,
                    part_links,
                    lists,
                ),
                search_kind="corpus text" if part == 1 else "",
                search_filters=filters,
                search_details=search_details(text) if part == 1 else "",
            )
        )
    return pages
