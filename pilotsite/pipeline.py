"""The seven phases of a build, one function each, in the order build.py's build() calls them.

Each phase finishes before the next starts and hands on what the next needs: a Build carries
the options, the workspace under .build/ and the phase clock; everything else is returned.
"""

from __future__ import annotations

import itertools
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from pilotsite.errors import BuildError
from pilotsite.state import fingerprint
from pilotsite.state.progress import OFF, Progress
from pilotsite.state.workspace import BuildState, Workspace, inputs_digest, tree_digests

if TYPE_CHECKING:
    from pilotsite.figures.figure import Catalog, Figure, NotDrawn
    from pilotsite.figures.outputs import FigureCache, FigureResult
    from pilotsite.inputs.codebook import SubTool
    from pilotsite.pages.model import Page
    from pilotsite.pages.webfont import FontPlan
    from pilotsite.rendering.corpus_texts import TextStage
    from pilotsite.rendering.embedded import EmbeddedRenderer
    from pilotsite.state.ledger import Change, Ledger

Loaded = TypeVar("Loaded")
LoaderArgs = ParamSpec("LoaderArgs")


class PhaseClock:
    """How long each phase of a build took, and how many cores it kept busy, for the summary.

    Busy cores are the processor time of the build's whole process tree in the phase over its
    wall time: a phase near 1 ran on one core while the others waited (the time to win by
    spreading it), one near the machine's core count had no core to spare."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self.processor: dict[str, float] = {}
        self.current, self.since, self.used = "", time.perf_counter(), 0.0

    def start(self, name: str) -> None:
        now, used = time.perf_counter(), processor_seconds()
        if self.current:
            self.times[self.current] = self.times.get(self.current, 0.0) + now - self.since
            self.processor[self.current] = self.processor.get(self.current, 0.0) + used - self.used
        self.current, self.since, self.used = name, now, used

    def summary(self) -> str:
        self.start("")
        return " · ".join(f"{name} {seconds:.1f} s" for name, seconds in self.times.items())

    def cores(self) -> str:
        """Busy cores by phase (after summary()), e.g. "load 0.9 · texts 2.0 · …", for the phases
        of a tenth of a second or more: processor time is counted in hundredths."""
        return " · ".join(
            f"{name} {self.processor[name] / seconds:.1f}" for name, seconds in self.times.items() if seconds >= 0.1
        )


def processor_seconds() -> float:
    """User and system seconds of this process and of every process it started, on this machine:
    those still running (worker pools, Pagefind, pandoc under a worker), with what each has
    waited for, and those that have ended (counted in this process's children once waited for).
    The workers of a Dask cluster elsewhere are not counted."""
    import contextlib

    import psutil

    me = psutil.Process()
    total = sum(me.cpu_times()[:4])  # user, system, and those of the children waited for
    for child in me.children(recursive=True):
        with contextlib.suppress(psutil.Error):  # ended since it was listed: its parent's, once waited for
            total += sum(child.cpu_times()[:4])
    return float(total)


@dataclass
class Build:
    """One build of the project at root into out, and what every phase reads."""

    root: Path
    out: Path
    renderer: str  # "embedded" or "quarto", already chosen
    site_url: str | None
    check: bool
    jobs: int
    scheduler: str
    state: BuildState
    say: Callable[[str], None]
    detail: Callable[[str], None] = lambda message: None  # what -v adds
    progress: Progress = OFF  # bars on a terminal, plain lines elsewhere (pilotsite/state/progress.py)
    clock: PhaseClock = field(default_factory=PhaseClock)

    @property
    def work(self) -> Workspace:
        return Workspace.of(self.root)

    @property
    def options(self) -> dict[str, str | None]:
        return {"renderer": self.renderer, "site_url": self.site_url}

    @property
    def spare_folders(self) -> Path | None:
        """Where the replaced site's folders are kept for the next build to stage into (the
        embedded renderer's: Quarto renders into a folder of its own making)."""
        return self.work.spare_folders if self.renderer == "embedded" else None


def load_catalog(
    root: Path,
    site_url: str | None,
    hashes: fingerprint.FileHashes | None = None,
    jobs: int = 0,
    scheduler: str = "",
    bundle: bool = False,
) -> Catalog:
    """Load and validate every input before any analysis runs, so bad data fails fast. bundle: the
    project of a deposit bundle, which may hold no document (pages/bundle.py)."""
    from pilotsite.analysis.textwork import TextWork
    from pilotsite.figures.figure import Catalog
    from pilotsite.inputs.codebook import codebook_digest, load_codebook
    from pilotsite.inputs.corpus import CONFIG as CORPORA
    from pilotsite.inputs.corpus import load_corpora
    from pilotsite.inputs.documents import load_documents
    from pilotsite.inputs.dois import load_dois
    from pilotsite.inputs.lexicon import check_lexicon
    from pilotsite.inputs.project import open_project
    from pilotsite.inputs.reported import load_reported
    from pilotsite.inputs.tables import ValidatedTables
    from pilotsite.inputs.timelines import load_events, load_stages
    from pilotsite.inputs.trends import load_trends

    work = Workspace.of(root)
    validated = ValidatedTables(work.cache("validated-tables.json"))
    project = open_project(root, site_url, validated)  # the settings first: nothing else is read without them
    problems = []

    def attempt(
        load: Callable[LoaderArgs, Loaded], *args: LoaderArgs.args, **kwargs: LoaderArgs.kwargs
    ) -> Loaded | None:
        """Run one loader, keeping its problems: every input is checked and all problems reported together."""
        try:
            return load(*args, **kwargs)
        except BuildError as exc:
            problems.extend(exc.problems)
            return None

    documents = attempt(load_documents, project, some_needed=not bundle)
    user_dictionary = attempt(check_lexicon, project)
    digest = hashes.sha256 if hashes is not None else fingerprint.sha256_file
    corpora = attempt(load_corpora, project, digest, work.cache()) or {}
    tools: tuple[SubTool, ...] = ()
    if project.path(CORPORA).is_file():
        tools = (
            attempt(load_codebook, project) or ()
        )  # validated here so a bad pattern stops the build before any analysis
    if documents is not None:  # events, stages and reported numbers quote the documents
        events, stages, reported = (
            attempt(load, project, documents) for load in (load_events, load_stages, load_reported)
        )
    trends = attempt(load_trends, project)
    dois = attempt(load_dois, project)
    if problems:
        raise BuildError(problems)
    # every loader returned (one that failed added its problems)
    assert documents is not None and user_dictionary is not None and reported is not None and dois is not None
    validated.save()
    textwork = TextWork(
        work.tokens,
        work.cache("coded"),
        user_dictionary,
        tools,
        codebook_digest(project) if tools else "",
        jobs,
        scheduler,
    )
    return Catalog(
        project=project,
        documents=documents,
        events=events,
        stages=stages,
        reported=reported,
        corpora=corpora,
        textwork=textwork,
        cache_dir=work.cache(),
        trends=trends,
        dois=dois,
    )


def load(build: Build) -> Catalog:
    build.clock.start("load")
    build.say("[1/7] Loading and validating data")
    return load_catalog(build.root, build.site_url, build.state.hashes, build.jobs, build.scheduler)


@dataclass
class Analyses:
    figures: list[Figure]
    not_drawn: list[NotDrawn]


def find_analyses(build: Build, catalog: Catalog) -> Analyses:
    from pilotsite.figures.figure import discover_all
    from pilotsite.inputs.corpus import COLUMN_CASE_NOTE, TRADITIONAL_NOTES
    from pilotsite.inputs.interface import Text
    from pilotsite.state.ledger import has_published

    build.clock.start("analyses")
    build.say("[2/7] Finding analyses")
    figures, not_drawn = discover_all(catalog)
    for missing in not_drawn:  # the analysis said so before computing (one group only, no province column, …)
        build.say(f"      not drawn: {missing.id} ({missing.reason})")
    made = {figure.id for figure in figures} | {missing.id for missing in not_drawn}
    for gone in sorted(set(build.state.figure_keys) - made):  # a withdrawn document, a renamed corpus or column, …
        # a figure the last build could not draw (not drawn) was never published: no versions stay
        stays = "its published versions stay" if has_published(build.root, gone) else "it was never published"
        build.say(f"      no longer made: {gone} (no analysis makes it from these inputs; {stays})")
    for path in unread_tables(build.root, figures):
        build.say(f"      warning: {path}: no figure reads this table, so nothing on the site shows it")
    for path, names in unread_columns(catalog):
        columns = f"columns {listed([repr(n) for n in names])} are" if len(names) > 1 else f"column {names[0]!r} is"
        build.say(
            f"      warning: {path}: {columns} not read, so nothing on the site shows {'them' if names[1:] else 'it'}"
        )
    interface = catalog.project.settings.interface
    for corpus in catalog.corpora.values():
        if not corpus.titles:  # as a document without title_zh is marked untranslated on its pages
            build.say(
                f"      warning: data/corpora.yaml: corpus '{corpus.id}' has no title_zh, so the Chinese edition "
                f"calls it by its title, {corpus.title!r}"
            )
        for note in corpus.notes:
            if isinstance(note, Text) and note.key in (COLUMN_CASE_NOTE, *TRADITIONAL_NOTES):  # on its page too
                build.say(f"      warning: {corpus.label}/metadata.csv: {interface.resolve(note, 'en')}")
    # Every corpus figure and page reads the per-text caches: segment and code what is new.
    build.clock.start("texts")
    assert catalog.textwork is not None  # load_catalog gives every catalog its TextWork
    catalog.textwork.progress = build.progress
    for corpus in catalog.corpora.values():
        catalog.textwork.prepare(corpus)
    if catalog.textwork.segmented or catalog.textwork.coded:
        build.say(f"      segmented {catalog.textwork.segmented} and coded {catalog.textwork.coded} corpus texts")
    return Analyses(figures, not_drawn)


def unread_tables(root: Path, figures: list[Figure]) -> list[str]:
    """The tables under data/reported/ and data/timelines/ that no figure reads (a table for a
    document no analysis draws, a timeline split into another file): checked, then shown nowhere."""
    read = {name for figure in figures for name in figure.inputs}
    tables = sorted((root / "data/reported").glob("*/*.csv")) + sorted((root / "data/timelines").glob("*.csv"))
    return [label for label in (path.relative_to(root).as_posix() for path in tables) if label not in read]


def unread_columns(catalog: Catalog) -> list[tuple[str, list[str]]]:
    """(table, its columns) of the timelines and reported tables whose header has columns no
    loader reads: a maintainer's note or page number, or a column added in the hope it shows."""
    from pilotsite.inputs.project import EVENTS, STAGES

    tables = {EVENTS: catalog.events, STAGES: catalog.stages, **catalog.reported}
    return [(path, frame.attrs["unread"]) for path, frame in tables.items() if frame.attrs.get("unread")]


@dataclass
class Drawn:
    results: dict[str, FigureResult]  # figure id -> its result
    keys: dict[str, str]  # figure id -> cache key
    rebuilt: list[str]
    reasons: dict[str, list[str]]
    cache: FigureCache
    images_reused: list[str] = field(default_factory=list)  # of rebuilt, those whose images were the earlier ones


def draw_figures(build: Build, catalog: Catalog, analyses: Analyses) -> Drawn:
    """A figure is redrawn only when the hash of what it depends on has no stored result."""
    from pilotsite.figures.drawn_texts import drawn_texts_digest
    from pilotsite.figures.figure import NotDrawn, drawn_names, shown_texts
    from pilotsite.figures.outputs import DRAWING_KEY, EarlierDrawing, FigureCache, compute_figures

    build.clock.start("figures")
    build.say(f"[3/7] Checking {len(analyses.figures)} figures against the cache")
    cache = FigureCache(build.work.cache("figures"))
    libraries = fingerprint.library_versions()
    drawn_texts = drawn_texts_digest(catalog.project.settings.interface)
    loaders = dict(fingerprint.LOADERS) | {c.prefix: fingerprint.CORPUS_LOADERS for c in catalog.corpora.values()}
    keys: dict[str, str] = {}
    components: dict[str, dict[str, str]] = {}
    stale: list[Figure] = []
    earlier: dict[str, EarlierDrawing] = {}  # a stale figure's previous images, reused if drawn from the same
    reasons: dict[str, list[str]] = {}
    fingerprint.remember_imports(build.state.imports)
    for figure in analyses.figures:
        parts = fingerprint.figure_components(
            figure_id=figure.id,
            analysis=build.root / figure.analysis,
            analysis_label=figure.analysis,
            inputs=figure.inputs,
            params=dict(figure.params),
            locate=catalog.path,
            hashes=build.state.hashes,
            libraries=libraries,
            loaders=loaders,
        )
        parts["texts:drawn"] = drawn_texts  # the words drawn into the image (drawing.bilingual)
        shown = fingerprint.canonical_json(shown_texts(figure))  # its title can name the corpus: no input has it
        parts["texts:figure"] = fingerprint.sha256_bytes(shown.encode("utf-8"))
        if figure.drawn_names:  # the names it draws of its data's values (a group's, in each language)
            names = fingerprint.canonical_json(drawn_names(figure))
            parts["texts:names"] = fingerprint.sha256_bytes(names.encode("utf-8"))
        key = fingerprint.key_of(parts)
        keys[figure.id], components[figure.id] = key, parts
        if not cache.has(figure.id, key):
            previous_key = build.state.figure_keys.get(figure.id, "")
            previous = cache.entry(figure.id, previous_key)
            # what the image is drawn from: not the data (checked as drawn), nor the title, caption
            # and notes, which the pages show and the image does not (an edited translation redraws nothing)
            drawn_from = {n: v for n, v in parts.items() if not n.startswith("data:") and n != "texts:figure"}
            drawing = fingerprint.key_of(drawn_from)
            earlier[figure.id] = EarlierDrawing(drawing, previous if (previous / DRAWING_KEY).is_file() else None)
            before = cache.components(figure.id, previous_key)
            reasons[figure.id] = (
                sorted(n for n in set(parts) | set(before) if parts.get(n) != before.get(n))
                if before
                else ["not in the last build"]
            )
            build.say(f"      drawing {figure.id} ({listed([REASON_NAMES.get(n, n) for n in reasons[figure.id]])})")
            build.detail("        " + "; ".join(f"{name}: changed" for name in reasons[figure.id][:20]))
            stale.append(figure)
        else:
            build.detail(f"      from the cache: {figure.id} (key {key[:12]})")
    with build.progress.task("drawing figures", len(stale), "figures") as advance:
        computed = compute_figures(stale, catalog, build.jobs, advance, earlier)
    reused = []
    for figure, files in computed:
        entry = earlier[figure.id].entry
        if entry is not None and (entry / DRAWING_KEY).read_bytes() == files.get(DRAWING_KEY):
            reused.append(figure.id)
            build.detail(f"      images of {figure.id} reused: drawn from the same data, code and texts")
        cache.store(figure.id, keys[figure.id], files, components[figure.id])
    results: dict[str, FigureResult] = {}
    for figure in analyses.figures:
        result = cache.load(
            figure, keys[figure.id], components[figure.id], build.root, catalog.project.settings.interface
        )
        if isinstance(result, NotDrawn):
            analyses.not_drawn.append(result)
            build.say(f"      not drawn: {figure.id} ({result.reason})")
        else:
            results[figure.id] = result
            # stated on the figure's page, and said here on every build until the data pass
            for check in result.checks:
                if not check.passed:
                    build.say(f"      warning: {figure.id}: check failed: {check.name} ({check.detail})")
    return Drawn(results, keys, [figure.id for figure in stale], reasons, cache, reused)


# What the terminal calls the components of a figure's key (fingerprint.figure_components) whose
# names do not say it: the others are data:<file>, code:<file> and library:<name>.
REASON_NAMES = {
    "texts:figure": "its title, caption or notes",
    "texts:drawn": "interface words drawn into it",
    "texts:names": "the names it draws of its data's values",
    "params": "its parameters",
    "figure": "its id",
}


def listed(names: list[str], most: int = 4) -> str:
    """Names joined by commas, at most `most` of them and then how many more (a corpus that gains
    a thousand texts changes a thousand inputs of a figure)."""
    shown = ", ".join(names[:most])
    return shown if len(names) <= most else f"{shown} and {len(names) - most} more"


@dataclass
class Versions:
    ledger: Ledger
    changes: list[Change]
    files: dict[str, bytes]  # history files of the versions this build records


def record_versions(build: Build, catalog: Catalog, drawn: Drawn) -> Versions:
    from pilotsite.state import ledger

    build.clock.start("versions")
    comparing = "Comparing figure versions with history/ (--check records none)"
    build.say("[4/7] " + (comparing if build.check else "Recording figure versions"))
    from pilotsite.pages.model import site_cited

    settings = catalog.project.settings
    new_ledger, changes, files = ledger.record(
        ledger.load(build.root),
        build.root,
        drawn.results.values(),
        settings.date,
        catalog.documents,
        site_cited(settings),
        {
            c.id: {"title": c.title, **{f"title_{lang}": title for lang, title in c.titles}}
            for c in catalog.corpora.values()
        },
    )
    for change in changes:  # with --check: the versions a build would record
        new = "new " if build.check else ""
        build.say(f"      {change.figure_id}: {new}version {change.version} ({change.summary})")
    # A citation tells a figure's versions apart by number and edition date: a new version dated as
    # an earlier one of its figure is cited as of the same day (the date is set by hand). A return to
    # an earlier version is no new version: it is cited by its own number and date.
    dated_alike = [
        change.figure_id
        for change in changes
        if not new_ledger["figures"][change.figure_id][-1].get("restores")
        and any(
            e["edition"] == settings.date and e["version"] != change.version
            for e in new_ledger.get("figures", {}).get(change.figure_id, [])
        )
    ]
    if dated_alike:
        build.say(
            f"      warning: {len(dated_alike)} new version(s) ({listed(dated_alike)}) have the edition date "
            f"{settings.date} of an earlier version of their figure: give data/site.yaml a new `date`, so that "
            "their citations tell the versions apart"
        )
    return Versions(new_ledger, changes, files)


@dataclass
class Written:
    staging: Path  # the new site, built beside out
    sources: list[str]  # every page source written
    indexed: list[str]  # pages Pagefind indexes
    search_bundles: dict[str, list[tuple[str, list[str]]]]  # corpus id -> its bundles (search.corpus_bundles)
    # the embedded renderer, which began rendering as sources were written (None: Quarto)
    renderer: EmbeddedRenderer | None
    stage: TextStage  # the corpus text pass
    rendered: list[str] = field(default_factory=list)  # pages rendered anew
    html_keys: dict[str, str] = field(default_factory=dict)  # page -> content key of its HTML (embedded renderer)
    # page -> content key of its HTML before a face of its own was added to its <head>: what the
    # search index reads is the same either way, so a page whose own face changed keeps its bundle
    search_keys: dict[str, str] = field(default_factory=dict)
    font_plan: FontPlan | None = None  # what gives a heavy page a web-font face of its own, once rendered
    reused_folders: bool = False  # staged into the replaced site's folders (publish.begin_staging)
    tidy: tuple[Callable[[], None], ...] = ()  # cache entries this build did not use, removed once it has published


def write_pages(build: Build, catalog: Catalog, analyses: Analyses, drawn: Drawn, versions: Versions) -> Written:
    """Page sources for every page (after every figure exists: indexes and cross-links need them
    all); with the embedded renderer, each page is rendered as soon as its source is written."""
    from pilotsite.analysis.words import lexicon_summary
    from pilotsite.figures.outputs import software_versions
    from pilotsite.pages import pdf_edition, previews, webfont
    from pilotsite.pages.charts import SCALED_CACHE, ScaledImages
    from pilotsite.pages.citable import site_files
    from pilotsite.pages.citation import RenderedReferences
    from pilotsite.pages.corpus_pages import evidence_items, evidence_links
    from pilotsite.pages.editions import edition_pages
    from pilotsite.pages.model import DEFAULT_LAYOUT, EDITIONS, SiteModel, prune_inputs_files
    from pilotsite.pages.site import edition_list_pages
    from pilotsite.pages.sources import SourceWriter, site_templates
    from pilotsite.publishing import publish, search
    from pilotsite.rendering import embedded
    from pilotsite.rendering.corpus_texts import TextStage
    from pilotsite.rendering.in_workers import render_uncached

    build.clock.start("pages")
    build.say("[5/7] Writing page sources")
    work, settings = build.work, catalog.project.settings
    model = SiteModel(
        project=catalog.project,
        documents=dict(catalog.documents),
        results=drawn.results,
        events=catalog.events,
        stages=catalog.stages,
        lexicon_summary=lexicon_summary(build.root),
        versions=software_versions() | {"pandoc": embedded.pandoc_display_version()},
        ledger=versions.ledger,
        history_files=versions.files,
        catalog=catalog,
        not_drawn=analyses.not_drawn,
        references=RenderedReferences(work.cache("apa.json")),
        scaled=ScaledImages(work.cache(SCALED_CACHE)),
        dois=catalog.dois,
    )
    model.evidence = evidence_links(model, catalog)
    model.search_bundles = {
        c.id: search.corpus_bundles(c, bool(evidence_items(model, c))) for c in catalog.corpora.values()
    }
    staging = publish.staging_dir(build.out)
    reused_folders = publish.begin_staging(staging, build.spare_folders)
    # The text pages of every corpus, and the evidence that its figures' tables link to, come
    # from one pass over the texts, batch by batch (pilotsite/rendering/corpus_texts.py): a
    # corpus of any size is never in memory at once.
    sources, templates = work.page_sources, work.cache("templates")
    writer = SourceWriter(model, sources, templates, work.cache("sources"))
    renderer = (
        embedded.EmbeddedRenderer(catalog.project, sources, staging, work.cache("pages"), templates, model.nav)
        if build.renderer == "embedded"
        else None
    )
    spec = embedded.RenderSpec(
        settings,
        site_templates(catalog.project.site),
        build.renderer == "embedded",
        model.nav,
        str(templates),
    )
    stage = TextStage(catalog, writer, renderer, spec, work.cache(), build.jobs, build.scheduler, build.progress)
    build.clock.start("text pages")
    model.corpus_evidence = {c.id: stage.run(c, evidence_items(model, c)) for c in catalog.corpora.values()}
    for corpus_id, (anew, batches) in stage.evidence_batches.items():
        build.detail(
            f"      evidence of {corpus_id}: {anew} of {batches} batches of texts gathered anew (others: cached)"
        )
    stage.finish()
    build.clock.start("pages")
    pages, known_keys = edition_pages(model, build.jobs, writer.key)
    writer.precomputed.update(known_keys)
    model.references.save()
    tidy = (pdf_edition.prune(work.cache(), pages), prune_inputs_files(work.cache(), pages))

    def write_and_render(some: list[Page]) -> None:
        # both cores: into the caches, which write() and render() then find
        render_uncached(some, writer, renderer, spec, build.jobs, build.progress)
        keys = writer.write(some)
        if renderer is not None:
            renderer.render(some, keys)

    write_and_render(pages)
    # The corpora's paged lists of texts grow with the corpus: made, written and rendered a few
    # hundred at a time, in every edition, and not held (corpus_pages.list_pages).
    for language in EDITIONS:
        lists = edition_list_pages(model.in_edition(language))
        while chunk := list(itertools.islice(lists, LIST_PAGES_AT_ONCE)):
            write_and_render(chunk)
    # not in the sitemap: redirects, the not-found page, and embedded views (whose full pages are)
    unlisted = {p.path for p in pages if p.redirect or p.base or p.layout != DEFAULT_LAYOUT}
    # a corpus's texts are indexed once, in the English edition (search.bundles)
    indexed = [f"{p.path}.html" for p in pages if p.search_kind] + stage.indexed
    build.clock.start("fonts")
    # The layout's own Chinese and the interface's texts it shows are on every page of an edition:
    # its interface, and the switch, which names the other editions in their own language.
    layout_text = (build.root / "site" / "layouts" / "page.html.j2").read_text(encoding="utf-8")
    # So is its footer: the site's authors and licence line, or those a version froze (its own page's).
    footers = {language: {*settings.authors, settings.licence_in(language)} for language in EDITIONS}
    for page in pages:
        if page.colophon is not None:
            footers[page.language].update((*page.colophon.authors, page.colophon.licence_in(page.language)))
    layouts = {
        folder: settings.title_zh
        + layout_text
        + "".join(sorted(footers[language]))
        + replace(settings.interface, language=language).shown_texts()
        + "".join(
            settings.interface.raw(key, other)
            for other in EDITIONS
            if other != language
            for key in ("layout.edition_name", "layout.edition_switch_label")
        )
        for language, folder in EDITIONS.items()
    }
    fonts, font_plan = webfont.write_font(
        sources, layouts, work.cache("fonts"), writer.keys, stage.characters, build.jobs
    )
    for path in fonts:
        writer.keep(path)
    files = site_files(model, [p for p in writer.keys if p not in unlisted])
    files[previews.SITE_CARD] = previews.site_card(settings, work.cache("previews"))
    writer.finish(files, list(writer.keys))
    return Written(
        staging,
        list(writer.keys),
        indexed,
        model.search_bundles,
        renderer,
        stage,
        font_plan=font_plan,
        reused_folders=reused_folders,
        tidy=tidy,
    )


def render(build: Build, written: Written) -> Written:
    """HTML for every page source: Quarto renders them all; the embedded renderer finishes what
    it began while the sources were written."""
    from pilotsite.rendering import quarto

    build.clock.start("render")
    build.say(f"[6/7] Rendering {len(written.sources)} pages with the {build.renderer} renderer")
    if build.renderer == "quarto":
        quarto.render(build.work.page_sources, written.staging)
        written.rendered, written.html_keys = list(written.sources), {}
    else:
        assert written.renderer is not None  # write_pages made one for the embedded renderer
        written.rendered, written.html_keys = written.renderer.finish()
        written.rendered += written.stage.rendered
    for page in written.rendered[:200]:
        build.detail(f"      rendered anew: {page}")
    from pilotsite.pages import webfont

    written.search_keys = dict(written.html_keys)
    if written.font_plan is not None:
        webfont.add_own_faces(written.staging, written.font_plan, written.html_keys, build.jobs)
    return written


def differences(expected: dict[str, str], found: dict[str, str]) -> list[tuple[str, str]]:
    """(kind, path) of each file in which the folder differs from the site the inputs make, in
    path order: "changed", "missing" (made, not in the folder) or "extra" (in it, not made)."""
    differing = sorted(path for path in set(expected) | set(found) if expected.get(path) != found.get(path))
    return [("missing" if p not in found else "extra" if p not in expected else "changed", p) for p in differing]


def index_check_and_publish(
    build: Build, analyses: Analyses, drawn: Drawn, versions: Versions, written: Written
) -> dict[str, Any]:
    """The search index is written into the staged copy while the link check crawls it, and the
    search page's links to the index are checked once it is written, so the index is published
    (or discarded) with the pages; a site with a broken link is never published."""
    from concurrent.futures import ThreadPoolExecutor

    from pilotsite.publishing import linkcheck, publish, search
    from pilotsite.state import ledger

    build.clock.start("search")
    build.say(
        "[7/7] Indexing for search, checking links and "
        + ("comparing with " + str(build.out) if build.check else "publishing")
    )
    staging, work = written.staging, build.work
    if written.reused_folders:  # those of the replaced site's folders that this site has no file in
        publish.remove_empty_folders(staging)
    # The pages are crawled for links while Pagefind indexes them (it runs in processes of its
    # own); links into the bundles it is writing are checked once it is done. "search" is the
    # time of both, "links" what the check takes after that.
    bundle_folders = tuple(folder for folder, _ in search.bundles(written.indexed, written.search_bundles))
    with ThreadPoolExecutor(1) as pool:
        indexing = pool.submit(
            search.index_site,
            staging,
            written.indexed,
            written.search_bundles,
            written.search_keys,
            work.cache("search"),
            build.progress,
        )

        def indexed() -> None:
            indexing.result()
            build.clock.start("links")

        broken = linkcheck.broken_links(
            staging, written.html_keys, work.cache(linkcheck.MEMO), being_written=bundle_folders, written=indexed
        )
        for former in linkcheck.FORMER_MEMOS:
            work.cache(former).unlink(missing_ok=True)
    if broken:
        shutil.rmtree(staging)
        raise BuildError("broken links in the built site:\n  " + "\n  ".join(broken[:20]))
    report: dict[str, Any] = {  # written to .build/last-report.json
        "figures": len(analyses.figures),
        "figures_rebuilt": drawn.rebuilt,
        "images_reused": drawn.images_reused,
        "reasons": drawn.reasons,
        "not_drawn": [n.id for n in analyses.not_drawn],
        "pages_rendered": written.rendered,
        "changes": [c.figure_id for c in versions.changes],
        "differences": [],
    }
    build.clock.start("publish")
    if build.check:
        expected, found = tree_digests(staging), (tree_digests(build.out) if build.out.is_dir() else {})
        report["differences"] = differences(expected, found)
        shutil.rmtree(staging)
    else:
        shared = publish.share_unchanged(staging)  # what a tool wrote anew (Quarto) but is as published: linked
        build.detail(
            f"      {shared / 1e6:.1f} MB written anew but as published: linked to the published files instead"
        )

        def record() -> None:  # after publishing: a kill before it only delays the record
            ledger.save(build.root, versions.ledger, versions.files)
            inputs = inputs_digest(build.root, build.state.hashes, build.options)
            build.state.save(build.out, inputs, drawn.keys, len(written.sources))
            drawn.cache.prune(drawn.keys)
            for tidy in written.tidy:
                tidy()
            if written.font_plan is not None:
                written.font_plan.prune()
            fingerprint.write_atomic(work.report, json.dumps(report, indent=1).encode("utf-8"))

        left = publish.publish(staging, build.out, meanwhile=record, spare=build.spare_folders)
        if left:
            build.say(f"warning: {left}")
    return report


LIST_PAGES_AT_ONCE = 400  # paged text lists made, written and rendered together (write_pages)


def reproduce_figure(root: Path, figure_id: str, say: Callable[[str], None] = print) -> int:
    """A deposit bundle's reproduce.py: compute and draw one figure of the project at root, write
    its files to root/reproduced/ and compare each with root/published/. 0 when all are identical."""
    from pilotsite.figures.figure import discover_all
    from pilotsite.figures.outputs import NOT_DRAWN_FILE, compute_figure
    from pilotsite.pages.bundle import REPRODUCED
    from pilotsite.state.ledger import PDF_FILE, PRINT_PNG

    try:
        catalog = load_catalog(root, None, jobs=1, bundle=True)
        figures, _ = discover_all(catalog, only=figure_id)
        figure = next((f for f in figures if f.id == figure_id), None)
        if figure is None:
            say(f"no analysis in {root / 'analyses'} declares figure '{figure_id}'")
            return 2
        assert catalog.textwork is not None  # load_catalog gives every catalog its TextWork
        for corpus in catalog.corpora.values():
            catalog.textwork.prepare(corpus)
        files = compute_figure(figure, catalog)
    except BuildError as exc:  # edited data that no longer validate: the build's own message
        say(str(exc))
        return 2
    if NOT_DRAWN_FILE in files:
        say(f"figure '{figure_id}' has nothing to draw with these data")
        return 2
    out = root / "reproduced"
    out.mkdir(exist_ok=True)
    differing = 0
    # the PDF and its print PNG where the version publishes them (bundle.deposit_bundle's printable)
    for name in (n for n in REPRODUCED if n not in (PDF_FILE, PRINT_PNG) or (root / "published" / n).is_file()):
        (out / name).write_bytes(files[name])
        published = root / "published" / name
        same = published.is_file() and published.read_bytes() == files[name]
        differing += not same
        say(f"{name}: {'identical to' if same else 'DIFFERS from'} published/{name}")
    return 1 if differing else 0
