#!/usr/bin/env python3
"""Build the policy-pilot research site.

    python build.py                 build the site into _site/
    python build.py --out DIR       build into DIR instead
    python build.py serve           build, then serve the site on http://localhost:8000/
    python build.py figure ID       compute and draw one figure into _figure/ID/

The phases run in this order, each finishing before the next starts (see build()).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from pilotsite import linkcheck, publish  # noqa: E402
from pilotsite.analysis import Catalog, discover  # noqa: E402
from pilotsite.documents import load_documents  # noqa: E402
from pilotsite.errors import BuildError  # noqa: E402
from pilotsite.evidence import load_events, load_stages  # noqa: E402
from pilotsite.outputs import run_figure, software_versions  # noqa: E402
from pilotsite.pages import SiteModel, build_pages  # noqa: E402
from pilotsite.project import open_project  # noqa: E402
from pilotsite.renderers import embedded, quarto  # noqa: E402
from pilotsite.reported import load_reported  # noqa: E402
from pilotsite.sources import write_sources  # noqa: E402
from pilotsite.text import lexicon_summary  # noqa: E402

WORK_DIR = ".build"  # generated page sources; git-ignored, rebuilt every run


def say(message: str) -> None:
    print(message, flush=True)


def load_catalog(root: Path, site_url: str | None) -> Catalog:
    """Load and validate every input before any analysis runs, so bad data fails fast."""
    project = open_project(root, site_url)
    documents = load_documents(project)
    return Catalog(
        project=project,
        documents=documents,
        events=load_events(project, documents),
        stages=load_stages(project, documents),
        reported=load_reported(project, documents),
    )


def choose_renderer(requested: str) -> str:
    if requested == "auto":
        return "quarto" if quarto.quarto_executable() else "embedded"
    return requested


def build(root: Path, out: Path, renderer: str = "auto", site_url: str | None = None) -> dict:
    started = time.perf_counter()
    renderer = choose_renderer(renderer)
    publish.recover(out)  # a build killed mid-publish left the old site aside: put it back

    say("[1/6] Loading and validating data")
    catalog = load_catalog(root, site_url)

    say("[2/6] Finding analyses")
    figures = discover(catalog)

    say(f"[3/6] Running analyses and drawing {len(figures)} figures")
    results = {}
    for number, figure in enumerate(figures, 1):
        say(f"      ({number}/{len(figures)}) {figure.id}")
        results[figure.id] = run_figure(figure, catalog)

    # Pages are generated only after every figure exists: indexes and cross-links need them all.
    say("[4/6] Writing page sources")
    model = SiteModel(project=catalog.project, documents=dict(catalog.documents), results=results,
                      events=catalog.events, stages=catalog.stages,
                      lexicon_summary=lexicon_summary(root), versions=software_versions())
    model.versions["pandoc"] = embedded.pandoc_version()
    pages = build_pages(model)
    work = root / WORK_DIR / "pages"
    if work.exists():
        shutil.rmtree(work)
    write_sources(model, pages, work)

    say(f"[5/6] Rendering {len(pages)} pages with the {renderer} renderer")
    staging = publish.staging_dir(out)
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    if renderer == "quarto":
        quarto.render(pages, work, staging)
    else:
        embedded.render(catalog.project, pages, work, staging)

    # The link check runs on the staged copy: a site with a broken link is never published.
    say("[6/6] Checking links and publishing")
    broken = linkcheck.broken_links(staging)
    if broken:
        raise BuildError("broken links in the built site:\n  " + "\n  ".join(broken[:20]))
    publish.publish(staging, out)

    seconds = time.perf_counter() - started
    summary = {"pages": len(pages), "figures": len(figures), "seconds": seconds, "renderer": renderer}
    say(f"Done: {len(pages)} pages written, {len(figures)} of {len(figures)} figures drawn, "
        f"in {seconds:.1f} s -> {out}")
    return summary


def build_one_figure(root: Path, figure_id: str, out: Path) -> None:
    catalog = load_catalog(root, None)
    figures = {f.id: f for f in discover(catalog)}
    if figure_id not in figures:
        raise BuildError(f"no figure '{figure_id}'; known figures: {', '.join(sorted(figures))}")
    result = run_figure(figures[figure_id], catalog)
    out.mkdir(parents=True, exist_ok=True)
    for name, content in (("figure.svg", result.svg), ("figure.png", result.png), ("data.csv", result.csv)):
        (out / name).write_bytes(content)
    say(f"Wrote figure.svg, figure.png and data.csv for {figure_id} to {out}")


def serve(out: Path, port: int) -> None:
    import functools
    import http.server

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        say(f"Serving {out} at http://localhost:{port}/ (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            say("Stopped.")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="build", choices=["build", "serve", "figure"])
    parser.add_argument("figure_id", nargs="?", help="with 'figure': the figure id")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: _site, or _figure/ID)")
    parser.add_argument("--renderer", choices=["auto", "embedded", "quarto"], default="auto",
                        help="auto uses Quarto when `quarto` is on PATH, else the embedded pandoc renderer")
    parser.add_argument("--site-url", default=None, help="absolute base URL used in citations (overrides data/site.yaml)")
    parser.add_argument("--port", type=int, default=8000, help="with 'serve': the port (default 8000)")
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
        build(ROOT, out, args.renderer, args.site_url)
        if args.command == "serve":
            serve(out, args.port)
        return 0
    except BuildError as exc:
        if args.debug:
            raise
        print("Build failed; the published site was not changed.", file=sys.stderr)
        for problem in exc.problems:
            print(f"  error: {problem}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; the published site was not changed.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
