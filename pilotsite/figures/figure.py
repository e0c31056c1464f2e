"""Analyses: one file per analysis under analyses/, each declaring the figures it makes.

An analysis module defines ``figures(catalog) -> list[Figure]``. Declaring a figure runs no
computation: its inputs are literal paths, so the build can list every dependency up front.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import importlib.util
import json
import re
import sys
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, TypeVar, cast

import pandas as pd

from pilotsite.errors import BuildError, Problem, relative
from pilotsite.inputs.documents import Document
from pilotsite.inputs.interface import LANGUAGES, Interface, Text, Translated
from pilotsite.inputs.project import EVENTS, STAGES, Project
from pilotsite.inputs.schemas import ID_LONGEST, SLUG, SLUG_EXPECTED

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MatplotlibFigure

    from pilotsite.analysis.textwork import TextWork
    from pilotsite.inputs.corpus import Corpus, CorpusText
    from pilotsite.inputs.schemas import TrendsConfig

Summary = TypeVar("Summary")

FIGURE_KINDS = ("keywords", "policy-tools", "timeline", "corpus")


@dataclass(frozen=True)
class Check:
    """One consistency check on a figure's data, stated on its page: name and detail are a Text
    of the catalogues (each edition shows its language) or a plain string."""

    name: str | Text
    passed: bool
    detail: str | Text


@dataclass(frozen=True)
class Figure:
    """A figure an analysis declares. Its title and caption are a Text of the catalogues (each
    edition shows its language) or a plain string (shown as it is in every edition); once
    discovered, title and caption are the reference language's, and translations has the rest."""

    id: str
    title: str | Text
    caption: str | Text
    kind: str
    documents: tuple[str, ...]
    inputs: tuple[str, ...]
    compute: Callable[[Inputs], pd.DataFrame]
    # draws from the data frame it is given alone (with the analysis's code and params): its
    # images are reused while that frame is the same (outputs.EarlierDrawing)
    draw: Callable[[pd.DataFrame, MatplotlibFigure], None]
    describe: Callable[[pd.DataFrame], str | Text]  # the alt text
    params: Mapping[str, object] = field(default_factory=dict)
    checks: Callable[[pd.DataFrame], list[Check]] | None = None
    headline: Callable[[pd.DataFrame], str | Text] | None = None  # one-sentence finding for the home page
    lang: str = "en"
    size: tuple[float, float] = (7.0, 4.0)  # inches
    primary_key: tuple[str, ...] = ()  # columns that identify a row of data.csv
    aliases: tuple[str, ...] = ()  # earlier ids of this figure: their URLs redirect here
    notes: tuple[str | Text, ...] = ()  # what the figure leaves out of the data and why, shown under the caption
    # how the image names values of its data in each edition's words (column -> value -> a Text of
    # the catalogues, a Translated or a string: region 'east' is 东部), for drawn_texts.value_names;
    # the loader resolves each to a Translated, which is part of the figure's key
    drawn_names: Mapping[str, Mapping[str, str | Text | Translated]] = field(default_factory=dict)
    analysis: str = ""  # set by the loader: analyses/<file>.py
    # set by the loader: (language, title, caption, notes) in the languages after the reference
    translations: tuple[tuple[str, str, str, tuple[str, ...]], ...] = ()

    def in_language(self, language: str) -> Figure:
        """This figure with its title, caption and notes in the language, where the catalogues have them."""
        for found, title, caption, notes in self.translations:
            if found == language:
                return replace(self, title=title, caption=caption, notes=notes)
        return self

    def title_language(self, language: str) -> str:
        """The language the figure's title is shown in, in the edition of the language."""
        return language if any(found == language for found, *_ in self.translations) else LANGUAGES[0]


def shown_texts(figure: Figure) -> list[list[object]]:
    """The figure's title, caption and notes in every edition's language. They are part of what
    the figure depends on (pipeline.draw_figures): a title can name the corpus or a grouping by
    its label in data/corpora.yaml, which no input file or parameter of the figure carries."""
    return [
        [language, str(shown.title), str(shown.caption), [str(note) for note in shown.notes]]
        for language in LANGUAGES
        for shown in [figure.in_language(language)]
    ]


def drawn_names(figure: Figure) -> dict[str, dict[str, list[list[str]]]]:
    """The names the figure's image gives values of its data, in every language (resolved by the
    loader): part of what its image is drawn from (pipeline.draw_figures)."""
    return {
        column: {value: [list(text) for text in cast(Translated, name).texts] for value, name in names.items()}
        for column, names in figure.drawn_names.items()
    }


@dataclass(frozen=True)
class NotDrawn:
    """A figure an analysis would draw, but cannot for this data (one group only, no dates, …):
    declared by figures(catalog) instead of the Figure, or raised as NothingToDraw by compute.
    The pages say what was not drawn and why."""

    id: str
    title: str | Text  # in the reference language once discovered
    reason: str | Text  # likewise
    corpus: str = ""  # the corpus it would study, if any
    analysis: str = ""
    documents: tuple[str, ...] = ()  # the documents it would draw from, if any: their pages say it was not drawn
    translations: tuple[tuple[str, str, str], ...] = ()  # set by the loader: (language, title, reason)

    def in_language(self, language: str) -> NotDrawn:
        for found, title, reason in self.translations:
            if found == language:
                return replace(self, title=title, reason=reason)
        return self

    def resolved(self, interface: Interface) -> NotDrawn:
        """Title and reason in the reference language, and in the others as translations."""
        texts = [
            (
                language,
                figure_text(interface, self.title, self.id, self.analysis, language),
                figure_text(interface, self.reason, self.id, self.analysis, language),
            )
            for language in LANGUAGES
        ]
        return replace(self, title=texts[0][1], reason=texts[0][2], translations=tuple(texts[1:]))


class NothingToDraw(Exception):
    """Raised by a figure's compute when the data hold nothing to draw; the message says why."""


@dataclass(frozen=True)
class Catalog:
    """What an analysis may look at while declaring figures: the validated data, not files."""

    project: Project
    documents: Mapping[str, Document]
    events: pd.DataFrame
    stages: pd.DataFrame
    reported: Mapping[str, pd.DataFrame]  # data/reported/<doc-id>/<table>.csv -> rows
    corpora: Mapping[str, Corpus] = field(default_factory=dict)  # corpus id -> corpus.Corpus
    textwork: TextWork | None = None  # the per-text caches (tokens, coded units) of the corpora
    cache_dir: Path | None = None  # the build's cache root (.build/cache), for content-keyed caches
    trends: TrendsConfig | None = None  # data/trends.yaml, validated
    dois: Mapping[tuple[str, str], str] = field(default_factory=dict)  # (figure id, version id) -> DOI: data/dois.yaml

    def path(self, name: str) -> Path:
        """The file an input name stands for: a corpus's (named under its home, wherever its
        folder lies: Corpus.home) or the project's."""
        for corpus in self.corpora.values():
            found = corpus.locate(name)
            if found is not None:
                return found
        return self.project.path(name)


class Inputs:
    """A figure's view of the data; refuses anything the figure did not declare."""

    def __init__(self, figure: Figure, catalog: Catalog):
        self.figure = figure
        self.catalog = catalog
        self.params = figure.params
        self.read: set[str] = set()
        self.declared = frozenset(figure.inputs)  # a corpus figure declares thousands of files

    def require(self, path: str) -> Path:
        if path not in self.declared:
            raise BuildError(
                [
                    Problem(
                        self.figure.analysis,
                        f"figure '{self.figure.id}' reads {path} but does not list it in its inputs",
                    )
                ]
            )
        self.read.add(path)
        return self.catalog.path(path)

    def check_all_read(self) -> None:
        """Inputs must be exact both ways: a listed file the figure never reads would redraw it
        for nothing whenever that file changes."""
        unread = sorted(set(self.figure.inputs) - self.read)
        if unread:
            raise BuildError(
                [
                    Problem(
                        self.figure.analysis,
                        f"figure '{self.figure.id}' lists {', '.join(unread)} in its "
                        "inputs but never reads it; remove it from the inputs",
                    )
                ]
            )

    def document(self, doc_id: str) -> Document:
        doc = self.catalog.documents[doc_id]
        self.require(doc.text_path)
        return doc

    def reported(self, path: str) -> pd.DataFrame:
        self.require(path)
        return self.catalog.reported[path]

    def corpus(self, corpus_id: str) -> Corpus:
        """A corpus whose metadata.csv and texts the figure declares."""
        corpus = self.catalog.corpora[corpus_id]
        files = corpus.files
        missing = [path for path in files if path not in self.declared]
        if missing:
            self.require(missing[0])  # the error naming it
        self.read.update(files)
        return corpus

    def corpus_counts(self, corpus_id: str, text_ids: Iterable[str], group: str = "") -> Counter[str]:
        """Token counts over the given texts of a corpus together, read from the token cache;
        group names the set of texts (e.g. "level:local"), so its next count starts from this one."""
        corpus = self.corpus(corpus_id)
        self.require("data/lexicon/userdict.txt")
        wanted = set(text_ids)
        assert self.catalog.textwork is not None  # a catalog with corpora has their TextWork
        return self.catalog.textwork.count_words(
            [t for t in corpus.texts if t.id in wanted], f"{corpus_id}/{group}" if group else ""
        )

    def corpus_tokens(self, corpus_id: str) -> Iterator[tuple[CorpusText, list[list[str]]]]:
        """(text, jieba tokens of each sentence) for every text of the corpus, text by text."""
        corpus = self.corpus(corpus_id)
        self.require("data/lexicon/userdict.txt")
        assert self.catalog.textwork is not None  # a catalog with corpora has their TextWork
        for text in corpus.texts:
            yield text, self.catalog.textwork.tokens(text)

    def corpus_summaries(
        self, corpus_id: str, summarize: Callable[[list[list[str]]], Summary], name: str = ""
    ) -> Iterator[tuple[CorpusText, Summary]]:
        """(text, summarize(jieba tokens of each sentence)) for every text of the corpus, text by
        text; each text's summary is kept between builds (TextWork.summaries), so a corpus that
        gains or changes texts is summarised only for those. summarize must depend on nothing but
        the tokens, this figure's code and parameters and the files it declares: those name the
        kept summaries, with `name` for a figure that summarises in more than one way."""
        import json

        from pilotsite.analysis.cluster import code_digest

        corpus = self.corpus(corpus_id)
        self.require("data/lexicon/userdict.txt")
        texts = set(corpus.files)
        shaping = {
            path: hashlib.sha256(self.catalog.path(path).read_bytes()).hexdigest()
            for path in sorted(set(self.figure.inputs) - texts)
        }
        analysis = hashlib.sha256(self.catalog.project.path(self.figure.analysis).read_bytes()).hexdigest()
        memo = json.dumps(
            [self.figure.id, name, analysis, code_digest(), self.figure.params, shaping],
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )
        assert self.catalog.textwork is not None  # a catalog with corpora has their TextWork
        yield from self.catalog.textwork.summaries(corpus.texts, memo, summarize)

    def corpus_sentences(self, corpus_id: str, text: CorpusText) -> list[str]:
        """The sentences of one text of the corpus, verbatim (numbered from 1 as on its page)."""
        from pilotsite.inputs.corpus import split_sentences

        corpus = self.corpus(corpus_id)
        return split_sentences(corpus.read_text(text))

    def corpus_coded(self, corpus_id: str) -> Iterator[tuple[CorpusText, list[tuple[int, str]]]]:
        """(text, [(sentence number, sub-tool id), …]) for every text of the corpus, text by text."""
        from pilotsite.inputs.codebook import CODEBOOK

        corpus = self.corpus(corpus_id)
        self.require(CODEBOOK)
        assert self.catalog.textwork is not None  # a catalog with corpora has their TextWork
        for text in corpus.texts:
            yield text, self.catalog.textwork.coded_units(text)

    def events(self) -> pd.DataFrame:
        self.require(EVENTS)
        return self.catalog.events

    def stages(self) -> pd.DataFrame:
        self.require(STAGES)
        return self.catalog.stages


def load_module(path: Path, root: Path) -> ModuleType:
    """Import an analysis file by path (analyses/ is not a package)."""
    name = f"analyses_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None  # a .py file's spec, with its source loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:  # an analysis that fails to import is a user error in that file
        raise BuildError(
            [Problem(relative(path, root), f"cannot be imported: SyntaxError: {exc.msg}", line=exc.lineno)]
        ) from None
    except Exception as exc:
        label = relative(path, root)
        raise BuildError(
            [Problem(label, f"cannot be imported: {type(exc).__name__}: {exc}{where_in(exc, label)}")]
        ) from None
    return module


# a figure's id is often a document's (at most ID_LONGEST) with what the figure shows after it
FIGURE_ID_LONGEST = 150
# What a figure's deposit bundle installs (pages/bundle.py carries this lock and the whole engine)
BUNDLE_LOCK = Path(__file__).parents[1] / "pages" / "bundle_requirements.txt"


@cache
def bundle_distributions() -> frozenset[str]:
    """The distributions a deposit bundle installs, by normalised name (PEP 503)."""
    names = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", BUNDLE_LOCK.read_text(encoding="utf-8"), re.M)
    return frozenset(normalised(name) for name in names)


def normalised(distribution: str) -> str:
    """A distribution's name as PEP 503 compares them: PyYAML is pyyaml, typing_extensions typing-extensions."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


@cache
def module_distributions() -> Mapping[str, list[str]]:
    return importlib.metadata.packages_distributions()


def uncarried_imports(path: Path, label: str, root: Path) -> list[Problem]:
    """An analysis's imports that a deposit bundle of its figures could not satisfy: a bundle
    carries the analysis file alone, the engine (pilotsite/) and the libraries of its lock, so a
    helper module beside it or a library outside that lock would leave the bundle unable to run,
    and a helper's edits would redraw nothing (a figure's key has its analysis's file, not the
    helper's). Imports the type checker alone reads are not counted."""
    from pilotsite.state.fingerprint import runtime_nodes

    try:
        tree = ast.parse(path.read_text(encoding="utf-8-sig"))
    except (SyntaxError, ValueError):
        return []  # said when it is imported, with its line
    problems = []
    for node in runtime_nodes(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            problems.append(Problem(label, "imports relatively: an analysis is a file, not a package", node.lineno))
            continue
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
        else:
            continue
        for module in modules:
            top = module.split(".")[0]
            if top in sys.stdlib_module_names or top == "pilotsite" or normalised(top) in bundle_distributions():
                continue  # (a module named as its distribution: pandas, numpy, matplotlib, jieba)
            # all the installed distributions' modules: a third of a second, for the other imports alone
            installed = [normalised(d) for d in module_distributions().get(top, [])]
            if installed and set(installed) <= bundle_distributions():
                continue
            beside = [root / top, root / f"{top}.py", path.parent / f"{top}.py", path.parent / top]
            if not installed and not any(p.exists() for p in beside):
                continue  # installed nowhere: importing it says so (ModuleNotFoundError, at its line)
            why = (
                "a module of the project, which no deposit bundle carries: put its code in the analysis itself"
                if not installed
                else f"of {', '.join(installed)}, which a figure's deposit bundle does not install: add it to "
                'pilotsite/pages/bundle_requirements.in and regenerate the locks (README, "The locked environment")'
            )
            problems.append(Problem(label, f"imports {module}, {why}", node.lineno))
    return problems


def declared_by(module: ModuleType, label: str, catalog: Catalog) -> list[Figure | NotDrawn]:
    """What an analysis's figures(catalog) returns, each a Figure or a NotDrawn; any exception
    it raises, or anything else it returns, is an error of the analysis at its line."""
    try:
        declared = list(module.figures(catalog))
    except BuildError:
        raise
    except Exception as exc:
        raise BuildError(
            [Problem(label, f"figures(catalog) failed: {type(exc).__name__}: {exc}{where_in(exc, label)}")]
        ) from None
    wrong = [item for item in declared if not isinstance(item, (Figure, NotDrawn))]
    if wrong:
        raise BuildError(
            [
                Problem(
                    label, f"figures(catalog) returned {type(wrong[0]).__name__} {wrong[0]!r:.60}, expected Figure(...)"
                )
            ]
        )
    return declared


def where_in(exc: BaseException, label: str) -> str:
    """(at analysis.py:N) for an exception, the line of the analysis it passed through last (not
    the library's, where the mistake is not), and the library's line after it where it was raised
    further in: (at odd.py:37, inside _axes.py:2540)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    own = [f for f in frames if Path(f.filename).as_posix().endswith(label)]
    deepest = frames[-1]
    if not own:
        return f" (at {Path(deepest.filename).name}:{deepest.lineno})"
    last = own[-1]
    inside = f", inside {Path(deepest.filename).name}:{deepest.lineno}" if deepest is not last else ""
    return f" (at {Path(last.filename).name}:{last.lineno}{inside})"


def discover(catalog: Catalog) -> list[Figure]:
    """Every figure declared by analyses/*.py, in id order; ids must be unique and inputs exist."""
    return discover_all(catalog)[0]


def source(figure: Figure) -> tuple[str, tuple[str, ...]]:
    """What a figure is made by and from: its analysis and its documents."""
    return figure.analysis, tuple(figure.documents)


def published_sources(root: Path, figure_id: str) -> set[tuple[str, tuple[str, ...]]]:
    """source() of the figure that published each version of figure_id (history/, meta.json)."""
    found = set()
    for path in (root / "history/figures" / figure_id).glob("*/meta.json"):
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
            found.add((str(meta["analysis"]), tuple(d["id"] for d in meta["documents"])))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a damaged file is reported where history/ is read
    return found


def id_taken(catalog: Catalog, figure: Figure, other: Figure) -> Problem:
    """Two figures with one id. Where it is made from the id of a document one of them is about (a
    new document named like the start of another's figure ids), that document is named: its id is
    what to change, not the analyses."""

    def of(item: Figure) -> str:
        named = [f"'{d}'" for d in item.documents]
        return f" (document {', '.join(named)})" if named else ""

    published = published_sources(catalog.project.root, figure.id)
    if source(figure) in published and source(other) not in published:
        figure, other = other, figure  # the one the published versions were made by is not the newcomer
    said = f"figure id '{figure.id}'{of(figure)} is already used by {other.analysis}{of(other)}"
    if source(other) in published:
        said += ", which has published versions of it (citations name it)"
    makers = {
        d for d in (*figure.documents, *other.documents) if figure.id.startswith(f"{d}-") and d in catalog.documents
    }
    if len(makers) == 1:
        folder = catalog.documents[makers.pop()].folder
        return Problem(
            f"{folder}/document.yaml", f"{said}: a document's id begins its figures' ids, so give it another"
        )
    return Problem(figure.analysis, said)


def discover_all(catalog: Catalog, only: str | None = None) -> tuple[list[Figure], list[NotDrawn]]:
    """discover(), and the figures the analyses declared they cannot draw for this data. only: the
    one figure a deposit bundle reproduces; the other figures its analysis declares may lack
    their inputs there (the bundle carries only this one's)."""
    root = catalog.project.root
    interface = catalog.project.settings.interface
    figures: list[Figure] = []
    not_drawn: list[NotDrawn] = []
    for path in sorted(catalog.project.analyses.glob("*.py")):
        if path.name.startswith("_"):
            continue
        label = relative(path, root)
        uncarried = uncarried_imports(path, label, root)  # before importing: a helper may import, a bundle not
        if uncarried:
            raise BuildError(uncarried)
        module = load_module(path, root)
        if not hasattr(module, "figures"):
            raise BuildError([Problem(label, "defines no figures(catalog) function")])
        for figure in declared_by(module, label, catalog):
            if isinstance(figure, NotDrawn):
                not_drawn.append(replace(figure, analysis=label).resolved(interface))
            else:
                figures.append(_with_texts(_with_analysis(figure, label), interface))
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    first: dict[str, Figure] = {}
    for figure in figures:
        # an id names the figure's folders and is in every citation's URL: never reused, so never fixed
        for named in (figure.id, *figure.aliases):
            if not isinstance(named, str) or not SLUG.match(named) or len(named) > FIGURE_ID_LONGEST:
                problems.append(
                    Problem(
                        figure.analysis,
                        f"figure id {named!r}{'' if named == figure.id else f' (an alias of {figure.id!r})'} is not "
                        f"{SLUG_EXPECTED.replace(str(ID_LONGEST), str(FIGURE_ID_LONGEST))}",
                    )
                )
        if figure.id in seen:
            problems.append(id_taken(catalog, figure, first[figure.id]))
        seen[figure.id] = figure.analysis
        first.setdefault(figure.id, figure)
        if figure.kind not in FIGURE_KINDS:
            problems.append(
                Problem(
                    figure.analysis, f"figure '{figure.id}' has kind '{figure.kind}', expected one of {FIGURE_KINDS}"
                )
            )
        for doc_id in figure.documents:
            if doc_id not in catalog.documents and only in (None, figure.id):
                problems.append(Problem(figure.analysis, f"figure '{figure.id}' names unknown document '{doc_id}'"))
        for input_path in figure.inputs:
            if not catalog.path(input_path).is_file() and only in (None, figure.id):
                problems.append(
                    Problem(figure.analysis, f"figure '{figure.id}' declares input {input_path}, which does not exist")
                )
    if only is None:
        problems += kinds_taken(root, figures)
    for item in not_drawn:
        if item.id in seen:
            problems.append(Problem(item.analysis, f"figure id '{item.id}' is already used by {seen[item.id]}"))
        seen[item.id] = item.analysis
    # An old id forwards to the new one (citable.redirect_pages): a figure may not take it back.
    problems += [
        Problem(figure.analysis, f"figure id '{alias}' was renamed to '{figure.id}' and must not be reused")
        for figure in figures
        for alias in figure.aliases
        if alias in seen
    ]
    if problems:
        raise BuildError(problems)
    return sorted(figures, key=lambda f: f.id), sorted(not_drawn, key=lambda f: f.id)


def kinds_taken(root: Path, figures: list[Figure]) -> list[Problem]:
    """A figure that takes the id of a published figure of another kind (one retired, or moved
    to another id without an alias): its versions would continue a history, and be cited as
    versions, of another figure."""
    from pilotsite.state.ledger import published_kinds

    published = published_kinds(root)
    return [
        Problem(
            figure.analysis,
            f"figure id '{figure.id}' names a {kind} figure that {analysis} published ({count} version"
            f"{'s' if count != 1 else ''}, whose pages stay): a {figure.kind} figure may not take it over, as "
            "its versions would continue that figure's history and citations; give it an id of its own",
        )
        for figure in figures
        if figure.id in published
        for kind, analysis, count in [published[figure.id]]
        if kind != figure.kind
    ]


def _with_analysis(figure: Figure, label: str) -> Figure:
    return replace(figure, analysis=label)


def figure_text(
    interface: Interface, value: str | Text | Translated, figure_id: str, analysis: str, language: str | None = None
) -> str:
    """A title or caption in the language; a text the catalogues lack names the analysis that asked for it."""
    try:
        return str(interface.resolve(value, language))
    except BuildError as exc:
        raise BuildError(
            [Problem(p.file, f"{p.message}, for figure '{figure_id}' of {analysis}", p.line) for p in exc.problems]
        ) from None


def _with_texts(figure: Figure, interface: Interface) -> Figure:
    """Title, caption and notes in the reference language, and in the others as translations; a
    plain string is shown as it is in every edition. The drawn names in every language."""
    if figure.drawn_names:
        figure = replace(
            figure,
            drawn_names={
                column: {
                    value: Translated(
                        tuple(
                            (language, figure_text(interface, name, figure.id, figure.analysis, language))
                            for language in LANGUAGES
                        )
                    )
                    for value, name in names.items()
                }
                for column, names in figure.drawn_names.items()
            },
        )
    if not any(isinstance(value, Text) for value in (figure.title, figure.caption, *figure.notes)):
        return replace(figure, notes=paragraphs(str(note) for note in figure.notes))
    texts = [
        (
            language,
            figure_text(interface, figure.title, figure.id, figure.analysis, language),
            figure_text(interface, figure.caption, figure.id, figure.analysis, language),
            paragraphs(figure_text(interface, n, figure.id, figure.analysis, language) for n in figure.notes),
        )
        for language in LANGUAGES
    ]
    return replace(figure, title=texts[0][1], caption=texts[0][2], notes=texts[0][3], translations=tuple(texts[1:]))


LINE_BREAKS = re.compile(r"[ \t]*(?:\r\n?|\n)\s*")


def paragraphs(notes: Iterable[str]) -> tuple[str, ...]:
    """Notes as paragraphs: each one's line breaks (a YAML block kept them) as spaces, as a page
    shows them, and a blank one left out (the figure's page showed it as an empty paragraph). A
    version keeps its notes one per line, so a break inside one had made two on its page."""
    found = (LINE_BREAKS.sub(" ", note).strip() if "\n" in note or "\r" in note else note for note in notes)
    return tuple(note for note in found if note.strip())
