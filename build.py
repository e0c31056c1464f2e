#!/usr/bin/env python3
"""Build the policy-pilot research site.

    python build.py                 build the site into _site/ (only what changed is redone)
    python build.py --out DIR       build into DIR instead
    python build.py --check         exit 1 if the site in --out is not what the inputs produce
    python build.py serve           build, serve the site on http://localhost:8000/, rebuild on changes
                                    (open pages reload themselves; pilotsite/preview.py)
    python build.py figure ID       compute and draw one figure into _figure/ID/

The phases run in the order of build(); each finishes before the next starts. Everything that
decides what is out of date lives in .build/ (git-ignored): deleting it means a full rebuild.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

# Only light modules at start-up: a no-op build must finish before pandas would have loaded.
from pilotsite.errors import BuildError  # noqa: E402
from pilotsite.publishing import publish  # noqa: E402
from pilotsite.state import faults  # noqa: E402
from pilotsite.state.locking import one_build_at_a_time  # noqa: E402
from pilotsite.state.workspace import WORK_DIR, BuildState, Workspace, inputs_digest  # noqa: E402,F401  (WORK_DIR: for tests)

MAX_SHOWN_PROBLEMS = 50  # loaders report every problem; the first 50 are printed, then how many more


def say(message: str) -> None:
    print(message, flush=True)


def choose_renderer(requested: str) -> str:
    """Quarto when asked for (or, with auto, when installed); checked before any work is done."""
    if requested == "auto":
        return "quarto" if shutil.which("quarto") else "embedded"
    if requested == "quarto" and not shutil.which("quarto"):
        raise BuildError("--renderer quarto was given but `quarto` is not on PATH; install Quarto "
                         "(https://quarto.org/docs/get-started/) or use --renderer embedded")
    return requested


def build(root: Path, out: Path, renderer: str = "auto", site_url: str | None = None, check: bool = False,
          jobs: int = 0, scheduler: str = "", wait: bool = True) -> dict:
    """Build the site into out; with check=True, compare instead of publishing. One build at a
    time per project and output folder: a second waits (wait=False: stops with a BuildError)."""
    started = time.perf_counter()
    work_dir = Workspace.of(root).root
    with one_build_at_a_time(work_dir, out, wait, say), fault_guard(work_dir, out):
        return _build(root, out, renderer, site_url, check, jobs, scheduler, started)


@contextmanager
def fault_guard(work_dir: Path, out: Path):
    """A failed build removes what it wrote; a fault of the machine (OSError) becomes one plain
    BuildError naming the path (pilotsite/state/faults.py)."""
    staging = publish.staging_dir(out)
    try:
        faults.begin(work_dir, staging)
        yield
    except OSError as exc:
        faults.failed(work_dir, staging)
        raise faults.plain_error(exc, out, work_dir) from exc
    except BaseException:
        faults.failed(work_dir, staging)
        raise
    faults.finished(work_dir)


def _build(root: Path, out: Path, renderer: str, site_url: str | None, check: bool, jobs: int, scheduler: str,
           started: float) -> dict:
    renderer = choose_renderer(renderer)
    publish.recover(out)  # a build killed mid-publish left the old site aside: put it back
    state = BuildState(Workspace.of(root))
    inputs = inputs_digest(root, state.hashes, {"renderer": renderer, "site_url": site_url})
    previous = None if check else state.unchanged(out, inputs)  # --check always compares every file
    if previous:
        seconds = time.perf_counter() - started
        say(f"Nothing changed: 0 of {previous['figures']} figures rebuilt, 0 pages rendered, "
            f"{out} left as it was ({seconds:.2f} s)")
        return {"figures": previous["figures"], "figures_rebuilt": [], "pages_rendered": [], "changes": [],
                "seconds": seconds, "differences": []}

    from pilotsite import pipeline

    run = pipeline.Build(root, out, renderer, site_url, check, jobs, scheduler, state, say)
    catalog = pipeline.load(run)                                               # [1/7]
    analyses = pipeline.find_analyses(run, catalog)                            # [2/7]
    drawn = pipeline.draw_figures(run, catalog, analyses)                      # [3/7]
    versions = pipeline.record_versions(run, catalog, drawn)                   # [4/7]
    written = pipeline.write_pages(run, catalog, analyses, drawn, versions)    # [5/7]
    written = pipeline.render(run, written)                                    # [6/7]
    report = pipeline.index_check_and_publish(run, analyses, drawn, versions, written)  # [7/7]

    report["seconds"] = time.perf_counter() - started
    report["phases"] = run.clock.summary()
    say(f"Done: {len(written.sources)} pages written ({len(written.rendered)} rendered anew), {len(drawn.rebuilt)} of "
        f"{len(analyses.figures)} figures rebuilt, in {report['seconds']:.1f} s -> {out}")
    say(f"      {report['phases']}")
    return report


def build_one_figure(root: Path, figure_id: str, out: Path, wait: bool = True) -> None:
    work_dir = Workspace.of(root).root
    with one_build_at_a_time(work_dir, out, wait, say), fault_guard(work_dir, out):
        _build_one_figure(root, figure_id, out)


def _build_one_figure(root: Path, figure_id: str, out: Path) -> None:
    from pilotsite.figures.figure import discover
    from pilotsite.figures.outputs import compute_figure
    from pilotsite.pipeline import load_catalog

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
    parser.add_argument("--no-wait", action="store_true",
                        help="stop at once if another build is using this project or output folder (default: wait for it)")
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
            build_one_figure(ROOT, args.figure_id, out, wait=not args.no_wait)
            return 0
        report = build(ROOT, out, args.renderer, args.site_url, check=args.check, jobs=args.jobs, scheduler=args.scheduler,
                       wait=not args.no_wait)
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
            from pilotsite import preview

            preview.serve(ROOT, out, args.port, build_args, say)
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
