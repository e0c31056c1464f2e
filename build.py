#!/usr/bin/env python3
"""Build the policy-pilot research site.

    python build.py                 build the site into _site/ (only what changed is redone)
    python build.py --out DIR       build into DIR instead
    python build.py --check         exit 1 if the site in --out is not what the inputs produce
    python build.py serve           build, serve the site on http://localhost:8000/, rebuild on changes
    python build.py figure ID       compute and draw one figure into _figure/ID/

The phases run in the order of build(); each finishes before the next starts. Everything that
decides what is out of date lives in .build/ (git-ignored): deleting it means a full rebuild.
"""
from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

# Only light modules at start-up: a no-op build must finish before pandas would have loaded.
from pilotsite import fingerprint, publish  # noqa: E402
from pilotsite.errors import BuildError  # noqa: E402

WORK_DIR = ".build"  # page sources, caches and build state; git-ignored
INPUT_TREES = ("data", "analyses", "site", "pilotsite", "history")


def say(message: str) -> None:
    print(message, flush=True)


class PhaseClock:
    """How long each phase of a build took, for the summary."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self.current, self.since = "", time.perf_counter()

    def start(self, name: str) -> None:
        now = time.perf_counter()
        if self.current:
            self.times[self.current] = self.times.get(self.current, 0.0) + now - self.since
        self.current, self.since = name, now

    def summary(self) -> str:
        self.start("")
        return " · ".join(f"{name} {seconds:.1f} s" for name, seconds in self.times.items())


class BuildState:
    """What the last successful builds produced, kept in .build/ and written atomically."""

    def __init__(self, root: Path):
        self.folder = root / WORK_DIR
        self.hashes = fingerprint.FileHashes(self.folder / "hashes.json")
        self.last = self._read("last-build.json")
        self.figure_keys: dict[str, str] = self._read("figures.json")

    def _read(self, name: str) -> dict:
        try:
            return json.loads((self.folder / name).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}

    def _write(self, name: str, value: dict) -> None:
        fingerprint.write_atomic(self.folder / name, json.dumps(value, indent=1, sort_keys=True).encode("utf-8"))

    def unchanged(self, out: Path, inputs: str) -> dict | None:
        """The last build of out, if its inputs are the same and its output is untouched."""
        record = self.last.get(str(out.resolve()))
        if record and record["inputs"] == inputs and out.is_dir() and tree_digests(out, self.hashes) == record["outputs"]:
            return record
        return None

    def save(self, out: Path, inputs: str, figure_keys: dict[str, str], pages: int) -> None:
        self.figure_keys = figure_keys
        self._write("figures.json", figure_keys)
        self.last[str(out.resolve())] = {"inputs": inputs, "outputs": tree_digests(out, self.hashes),
                                         "figures": len(figure_keys), "pages": pages}
        self._write("last-build.json", self.last)
        self.hashes.save()


def tree_digests(folder: Path, hashes: fingerprint.FileHashes | None = None) -> dict[str, str]:
    """SHA-256 of every file under folder; with hashes, files whose mtime and size are unchanged
    since they were last hashed are not read again (--check always reads everything)."""
    digest = hashes.sha256 if hashes is not None else fingerprint.sha256_file
    return {label: digest(path) for label, path in fingerprint.walk_files(str(folder))}


def input_files(root: Path) -> dict[str, str]:
    """Every file the site is made from, by label: the project's own folders, and each corpus
    folder that data/corpora.yaml names outside them (a corpus may live anywhere)."""
    files = {}
    for tree in INPUT_TREES:
        files.update((f"{tree}/{label}", path) for label, path in fingerprint.walk_files(str(root / tree)))
    files["build.py"] = str(root / "build.py")
    for label, folder in fingerprint.outside_corpus_folders(root, INPUT_TREES):
        files.update((f"{label}/{name}", path) for name, path in fingerprint.walk_files(str(folder)))
    return files


def inputs_digest(root: Path, hashes: fingerprint.FileHashes, options: dict) -> str:
    """One hash over every file the site is made from, the library versions and the options."""
    files = {label: hashes.sha256(path) for label, path in input_files(root).items()}
    versions = fingerprint.library_versions() | {name: fingerprint.package_version(name) for name in ("pypandoc-binary", "Jinja2", "pagefind-bin-extended")}
    versions["python"] = platform.python_version()
    return fingerprint.sha256_bytes(fingerprint.canonical_json([files, versions, options]).encode("utf-8"))


MAX_SHOWN_PROBLEMS = 50  # loaders report every problem; the first 50 are printed, then how many more


def load_catalog(root: Path, site_url: str | None, hashes: fingerprint.FileHashes | None = None, jobs: int = 0,
                 scheduler: str = ""):
    """Load and validate every input before any analysis runs, so bad data fails fast."""
    import os

    from pilotsite.analysis import Catalog
    from pilotsite.codebook import CODEBOOK, codebook_digest, load_codebook
    from pilotsite.corpus import CONFIG as CORPORA, load_corpora
    from pilotsite.documents import load_documents
    from pilotsite.evidence import load_events, load_stages
    from pilotsite.project import open_project
    from pilotsite.reported import load_reported
    from pilotsite.text import USER_DICTIONARY
    from pilotsite.textwork import TextWork

    from pilotsite import tables

    cache = root / WORK_DIR / "cache"
    tables.VALIDATED = tables.ValidatedTables(cache / "validated-tables.json")
    project = open_project(root, site_url)  # the settings first: nothing else is read without them
    problems = []

    def attempt(load, *args, **kwargs):
        """Run one loader, keeping its problems: every input is checked and all problems reported together."""
        try:
            return load(*args, **kwargs)
        except BuildError as exc:
            problems.extend(exc.problems)
            return None

    documents = attempt(load_documents, project)
    digest = hashes.sha256 if hashes is not None else fingerprint.sha256_file
    corpora = attempt(load_corpora, project, digest, cache) or {}
    tools = ()
    if project.path(CORPORA).is_file():
        tools = attempt(load_codebook, project) or ()  # validated here so a bad pattern stops the build before any analysis
    if documents is not None:  # events, stages and reported numbers quote the documents
        events, stages, reported = (attempt(load, project, documents) for load in (load_events, load_stages, load_reported))
    if problems:
        raise BuildError(problems)
    tables.VALIDATED.save()
    # Token caches are keyed by content, so several checkouts may share one (PILOTSITE_TOKEN_CACHE).
    token_cache = Path(os.environ.get("PILOTSITE_TOKEN_CACHE") or cache / "tokens")
    work = TextWork(token_cache, cache / "coded", (root / USER_DICTIONARY).read_text(encoding="utf-8"), tools,
                    codebook_digest(project) if tools else "", jobs, scheduler)
    return Catalog(project=project, documents=documents, events=events, stages=stages, reported=reported,
                   corpora=corpora, textwork=work, cache_dir=cache)


def choose_renderer(requested: str) -> str:
    """Quarto when asked for (or, with auto, when installed); checked before any work is done."""
    if requested == "auto":
        return "quarto" if shutil.which("quarto") else "embedded"
    if requested == "quarto" and not shutil.which("quarto"):
        raise BuildError("--renderer quarto was given but `quarto` is not on PATH; install Quarto "
                         "(https://quarto.org/docs/get-started/) or use --renderer embedded")
    return requested


def build(root: Path, out: Path, renderer: str = "auto", site_url: str | None = None, check: bool = False,
          jobs: int = 0, scheduler: str = "") -> dict:
    """Build the site into out; with check=True, compare instead of publishing."""
    started = time.perf_counter()
    renderer = choose_renderer(renderer)
    publish.recover(out)  # a build killed mid-publish left the old site aside: put it back
    state = BuildState(root)
    inputs = inputs_digest(root, state.hashes, {"renderer": renderer, "site_url": site_url})

    previous = None if check else state.unchanged(out, inputs)  # --check always compares every file
    if previous:
        seconds = time.perf_counter() - started
        say(f"Nothing changed: 0 of {previous['figures']} figures rebuilt, 0 pages rendered, "
            f"{out} left as it was ({seconds:.2f} s)")
        return {"figures": previous["figures"], "figures_rebuilt": [], "pages_rendered": [], "changes": [],
                "seconds": seconds, "differences": []}

    from pilotsite import citation, ledger, linkcheck, search, webfont
    from pilotsite.analysis import NotDrawn, discover_all
    from pilotsite.citable import site_files
    from pilotsite.corpus_pages import evidence_items, evidence_links
    from pilotsite.corpus_texts import TextStage
    from pilotsite.outputs import FigureCache, compute_figures, software_versions
    from pilotsite.pages import SiteModel, build_pages
    from pilotsite.renderers import embedded, quarto
    from pilotsite.sources import SourceWriter, site_templates
    from pilotsite.text import lexicon_summary

    clock = PhaseClock()
    clock.start("load")
    say("[1/7] Loading and validating data")
    catalog = load_catalog(root, site_url, state.hashes, jobs, scheduler)

    clock.start("analyses")
    say("[2/7] Finding analyses")
    figures, not_drawn = discover_all(catalog)

    # A figure is redrawn only when the hash of what it depends on has no stored result.
    clock.start("texts")
    for corpus in catalog.corpora.values():  # every corpus figure and page reads the per-text caches
        catalog.textwork.prepare(corpus)
    if catalog.textwork.segmented or catalog.textwork.coded:
        say(f"      segmented {catalog.textwork.segmented} and coded {catalog.textwork.coded} corpus texts")
    clock.start("figures")
    say(f"[3/7] Checking {len(figures)} figures against the cache")
    cache = FigureCache(root / WORK_DIR / "cache" / "figures")
    libraries = fingerprint.library_versions()
    loaders = dict(fingerprint.LOADERS) | {f"{c.label}/": fingerprint.CORPUS_LOADERS for c in catalog.corpora.values()}
    keys, components, stale, reasons = {}, {}, [], {}
    for figure in figures:
        parts = fingerprint.figure_components(
            figure_id=figure.id, analysis=root / figure.analysis, analysis_label=figure.analysis,
            inputs=figure.inputs, params=dict(figure.params), root=root, hashes=state.hashes,
            libraries=libraries, loaders=loaders)
        key = fingerprint.key_of(parts)
        keys[figure.id], components[figure.id] = key, parts
        if not cache.has(figure.id, key):
            before = cache.components(figure.id, state.figure_keys.get(figure.id, ""))
            reasons[figure.id] = (sorted(n for n in set(parts) | set(before) if parts.get(n) != before.get(n))
                                  if before else ["no earlier build"])
            say(f"      drawing {figure.id} ({', '.join(reasons[figure.id])})")
            stale.append(figure)
    for figure, files in compute_figures(stale, catalog, jobs):
        cache.store(figure.id, keys[figure.id], files, components[figure.id])
    rebuilt = [figure.id for figure in stale]
    results = {}
    for figure in figures:
        result = cache.load(figure, keys[figure.id], components[figure.id], root)
        if isinstance(result, NotDrawn):
            not_drawn.append(result)
            say(f"      not drawn: {figure.id} ({result.reason})")
        else:
            results[figure.id] = result

    clock.start("versions")
    say("[4/7] Recording figure versions")
    settings = catalog.project.settings
    new_ledger, changes, version_files = ledger.record(ledger.load(root), root, results.values(), settings.date,
                                                        catalog.documents)
    for change in changes:
        say(f"      {change.figure_id}: version {change.version} ({change.summary})")

    # Pages come after every figure exists: indexes and cross-links need them all.
    clock.start("pages")
    say("[5/7] Writing page sources")
    versions = software_versions() | {"pandoc": embedded.pandoc_display_version()}
    model = SiteModel(project=catalog.project, documents=dict(catalog.documents), results=results,
                      events=catalog.events, stages=catalog.stages, lexicon_summary=lexicon_summary(root),
                      versions=versions, ledger=new_ledger, history_files=version_files, catalog=catalog,
                      not_drawn=not_drawn)
    model.evidence = evidence_links(model, catalog)
    model.search_bundles = {c.id: search.corpus_bundles(c, bool(evidence_items(model, c))) for c in catalog.corpora.values()}
    cache_dir = root / WORK_DIR / "cache"
    citation.load_apa_cache(cache_dir / "apa.json")
    sources = root / WORK_DIR / "pages"  # updated in place (SourceWriter)
    staging = publish.staging_dir(out)
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    # The text pages of every corpus, and the evidence that its figures' tables link to, come
    # from one pass over the texts, batch by batch (pilotsite/corpus_texts.py): a corpus of any
    # size is never in memory at once.
    writer = SourceWriter(model, sources, cache_dir / "templates", cache_dir / "sources")
    renderer_of_pages = (embedded.EmbeddedRenderer(catalog.project, sources, staging, cache_dir / "pages")
                         if renderer == "embedded" else None)
    spec = embedded.RenderSpec(settings, site_templates(catalog.project.site), renderer == "embedded")
    stage = TextStage(catalog, writer, renderer_of_pages, spec, cache_dir, jobs, scheduler)
    clock.start("text pages")
    model.corpus_evidence = {c.id: stage.run(c, evidence_items(model, c)) for c in catalog.corpora.values()}
    stage.finish()
    clock.start("pages")
    pages = build_pages(model)
    citation.save_apa_cache(cache_dir / "apa.json")
    page_keys = writer.write(pages)
    if renderer_of_pages is not None:
        renderer_of_pages.render(pages, page_keys)
    redirects = {p.path for p in pages if p.redirect}
    indexed = [f"{p.path}.html" for p in pages if p.search_kind] + stage.indexed
    clock.start("fonts")
    # The layout's own Chinese is on every page, so it belongs in the core subset.
    layout_text = (root / "site" / "layouts" / "page.html.j2").read_text(encoding="utf-8")
    for path in webfont.write_font(sources, settings.title_zh + layout_text, cache_dir / "fonts", writer.keys,
                                   stage.characters):
        writer.keep(path)
    writer.finish(site_files(model, [p for p in writer.keys if p not in redirects]), list(writer.keys))

    clock.start("render")
    say(f"[6/7] Rendering {len(writer.keys)} pages with the {renderer} renderer")
    if renderer == "quarto":
        quarto.render(sources, staging)
        rendered, html_keys = list(writer.keys), {}
    else:
        rendered, html_keys = renderer_of_pages.finish()
        rendered += stage.rendered

    # The search index is written into the staged copy before the link check, so the search page's
    # links to the index are checked and the index is published (or discarded) with the pages.
    clock.start("search")
    say("[7/7] Indexing for search, checking links and " + ("comparing with " + str(out) if check else "publishing"))
    search.index_site(staging, indexed, model.search_bundles, html_keys, root / WORK_DIR / "cache" / "search")
    clock.start("links")
    # The link check runs on the staged copy: a site with a broken link is never published.
    broken = linkcheck.broken_links(staging, html_keys, root / WORK_DIR / "cache" / "links-v2.json")
    if broken:
        shutil.rmtree(staging)
        raise BuildError("broken links in the built site:\n  " + "\n  ".join(broken[:20]))
    report = {"figures": len(figures), "figures_rebuilt": rebuilt, "reasons": reasons, "not_drawn": [n.id for n in not_drawn],
              "pages_rendered": rendered, "changes": [c.figure_id for c in changes], "differences": []}
    clock.start("publish")
    if check:
        expected, found = tree_digests(staging), (tree_digests(out) if out.is_dir() else {})
        report["differences"] = sorted(p for p in set(expected) | set(found) if expected.get(p) != found.get(p))
        shutil.rmtree(staging)
    else:
        publish.publish(staging, out)
        ledger.save(root, new_ledger, version_files)  # after publishing: a kill before it only delays the record
        state.save(out, inputs_digest(root, state.hashes, {"renderer": renderer, "site_url": site_url}), keys, len(writer.keys))
        cache.prune(keys)
        fingerprint.write_atomic(root / WORK_DIR / "last-report.json", json.dumps(report, indent=1).encode("utf-8"))

    report["seconds"] = time.perf_counter() - started
    report["phases"] = clock.summary()
    say(f"Done: {len(writer.keys)} pages written ({len(rendered)} rendered anew), {len(rebuilt)} of {len(figures)} "
        f"figures rebuilt, in {report['seconds']:.1f} s -> {out}")
    say(f"      {report['phases']}")
    return report


def build_one_figure(root: Path, figure_id: str, out: Path) -> None:
    from pilotsite.analysis import discover
    from pilotsite.outputs import compute_figure

    catalog = load_catalog(root, None)
    figures = {f.id: f for f in discover(catalog)}
    if figure_id not in figures:
        raise BuildError(f"no figure '{figure_id}'; known figures: {', '.join(sorted(figures))}")
    corpus_id = figures[figure_id].params.get("corpus")
    if corpus_id in catalog.corpora:
        catalog.textwork.prepare(catalog.corpora[corpus_id])
    files = compute_figure(figures[figure_id], catalog)
    out.mkdir(parents=True, exist_ok=True)
    for name in ("figure.svg", "figure.png", "data.csv"):
        (out / name).write_bytes(files[name])
    say(f"Wrote figure.svg, figure.png and data.csv for {figure_id} to {out}")


WATCHED = ("data", "analyses", "site", "pilotsite", "build.py")  # what `serve` rebuilds on (not history/: the build writes it)
POLL_SECONDS = 1.0


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """mtime and size of every watched file (corpus folders outside the project included): enough
    to notice an edit, which the build then judges by hash."""
    folders = [(name, root / name) for name in WATCHED] + fingerprint.outside_corpus_folders(root, WATCHED)
    files = {}
    for label, path in folders:
        for p in ([path] if path.is_file() else sorted(path.rglob("*"))):
            if p.is_file() and "__pycache__" not in p.parts:
                try:
                    stat = p.stat()
                except FileNotFoundError:  # deleted between listing and stat: the next poll sees it
                    continue
                files[label if p == path else f"{label}/{p.relative_to(path).as_posix()}"] = (stat.st_mtime_ns, stat.st_size)
    return files


def watch(root: Path, build_args: list[str], stop, seen: dict[str, tuple[int, int]]) -> None:
    """Poll the inputs and rebuild when one changes. The build runs in a fresh process, so edits to
    pilotsite/ take effect; a failed build prints its error and the last good site stays published."""
    import subprocess

    while not stop.wait(POLL_SECONDS):
        now = snapshot(root)
        if now == seen:
            continue
        changed = sorted(p for p in set(now) | set(seen) if now.get(p) != seen.get(p))
        seen = now  # an edit made while the build runs differs from this, so the next poll rebuilds again
        say(f"Changed: {', '.join(changed[:5])}{' …' if len(changed) > 5 else ''}; rebuilding")
        result = subprocess.run([sys.executable, str(root / "build.py"), *build_args], cwd=root, check=False)
        say("Rebuilt; serving the new site." if result.returncode == 0
            else "Build failed; still serving the last good site.")


def serve(root: Path, out: Path, port: int, build_args: list[str]) -> None:
    """Serve out over HTTP and rebuild it whenever an input changes."""
    import functools
    import http.server
    import threading

    # The handler resolves every request against the folder's path, never a held directory handle:
    # publishing swaps the folder by renames, and the next request must see the new one.
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out.resolve()))
    stop = threading.Event()
    # The first snapshot is taken before "Serving" is printed: any edit after that line is seen.
    watcher = threading.Thread(target=watch, args=(root, build_args, stop, snapshot(root)), daemon=True)
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        say(f"Serving {out} at http://localhost:{server.server_address[1]}/ and rebuilding on changes "
            f"to {', '.join(WATCHED)} (Ctrl-C to stop)")
        watcher.start()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            say("Stopped.")
        finally:
            stop.set()


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="build", choices=["build", "serve", "figure"])
    parser.add_argument("figure_id", nargs="?", help="with 'figure': the figure id")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: _site, or _figure/ID)")
    parser.add_argument("--renderer", choices=["auto", "embedded", "quarto"], default="auto",
                        help="auto uses Quarto when `quarto` is on PATH, else the embedded pandoc renderer")
    parser.add_argument("--site-url", default=None, help="absolute base URL used in citations (overrides data/site.yaml)")
    parser.add_argument("--check", action="store_true", help="verify --out against the inputs instead of publishing")
    parser.add_argument("--port", type=int, default=8000, help="with 'serve': the port (default 8000)")
    parser.add_argument("--jobs", type=int, default=0, help="processes that draw figures and segment corpus texts (default: all cores)")
    parser.add_argument("--scheduler", default="", help="segment on a Dask cluster instead, e.g. tcp://127.0.0.1:8786")
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks for errors")
    args = parser.parse_args(argv)
    if args.command == "figure" and not args.figure_id:
        parser.error("figure needs a figure id, e.g. python build.py figure return-migrant-tool-types")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    out = args.out or (Path("_figure") / args.figure_id if args.command == "figure" else Path("_site"))
    try:
        if args.command == "figure":
            build_one_figure(ROOT, args.figure_id, out)
            return 0
        report = build(ROOT, out, args.renderer, args.site_url, check=args.check, jobs=args.jobs, scheduler=args.scheduler)
        if args.check:
            if report["differences"]:
                print(f"{out} is not what the current inputs produce; {len(report['differences'])} files differ:", file=sys.stderr)
                for path in report["differences"][:200]:
                    print(f"  {path}", file=sys.stderr)
                return 1
            say(f"{out} is exactly what the current inputs produce.")
        if args.command == "serve":
            build_args = ["--out", str(out.resolve()), "--renderer", args.renderer, "--jobs", str(args.jobs)]
            build_args += (["--site-url", args.site_url] if args.site_url else []) + (["--scheduler", args.scheduler] if args.scheduler else [])
            serve(ROOT, out, args.port, build_args)
        return 0
    except BuildError as exc:
        if args.debug:
            raise
        print("Build failed; the published site was not changed.", file=sys.stderr)
        for problem in exc.problems[:MAX_SHOWN_PROBLEMS]:
            print(f"  error: {problem}", file=sys.stderr)
        if len(exc.problems) > MAX_SHOWN_PROBLEMS:
            print(f"  … and {len(exc.problems) - MAX_SHOWN_PROBLEMS} more problems", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; the published site was not changed.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
