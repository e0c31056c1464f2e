#!/usr/bin/env python3
"""Build the policy-pilot research site.

    python build.py                 build the site into _site/ (only what changed is redone)
    python build.py --out DIR       build into DIR instead
    python build.py --check         exit 1 if the site in --out is not what the inputs produce
    python build.py serve           build, serve the site on http://localhost:8000/, rebuild on changes
                                    (open pages reload themselves; pilotsite/preview.py)
    python build.py figure ID       compute and draw one figure into _figure/ID/
    python build.py --version       this tool's version and those of pandoc, Pagefind, jieba, matplotlib

The phases run in the order of build(); each finishes before the next starts. Everything that
decides what is out of date lives in .build/ (git-ignored): deleting it means a full rebuild.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import time
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import cast

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

# Imported only after the sys.path change above, so that this folder's pilotsite is the one found; and
# only light modules at start-up: a no-op build must finish before pandas would have loaded.
from pilotsite.errors import (  # noqa: E402  (after sys.path.insert)
    EXIT_BAD_INPUT,
    EXIT_BUSY,
    EXIT_DEFECT,
    EXIT_DIFFERS,
    EXIT_DONE,
    EXIT_INTERRUPTED,
    EXIT_MACHINE_FAULT,
    BuildError,
    OptionError,
    shown,
)
from pilotsite.publishing import publish  # noqa: E402
from pilotsite.state import faults  # noqa: E402
from pilotsite.state.locking import one_build_at_a_time  # noqa: E402
from pilotsite.state.workspace import (  # noqa: E402,F401  (WORK_DIR: for tests)
    WORK_DIR,
    BuildState,
    Workspace,
    inputs_digest,
    output_folder_problem,
)

MAX_SHOWN_PROBLEMS = 50  # loaders report every problem; the first 50 are printed, then how many more
LISTED_DIFFERENCES = 200  # --check lists the first 200 files that differ, then how many more
DIFFERENCE_KINDS = {  # --check's kinds of difference, as each file is listed: how the folder differs
    "changed": "changed",
    "missing": "missing from it",
    "extra": "not made by the inputs",
}
EXIT_CODES = f"""exit status:
  {EXIT_DONE}    done (with --check: the site is exactly what the inputs produce)
  {EXIT_DIFFERS}    --check: the site differs from what the inputs produce (the files are listed)
  {EXIT_BAD_INPUT}    bad input: data, an analysis, a template or the command line (the message names the file and line)
  {EXIT_MACHINE_FAULT}    a fault of the machine: a full disk, a folder it may not write, a file removed mid-build
  {EXIT_BUSY}    another build is using the project or the output folder, and --no-wait was given
  {EXIT_DEFECT}   a defect of this tool, not of the inputs (the message says how to report it)
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C, or SIGTERM from kill)
The published site is unchanged whenever the status is not 0."""

VERBOSITY = {"quiet": 0, "normal": 1, "verbose": 2}
verbosity = VERBOSITY["normal"]  # set once by main() from --quiet / -v


def say(message: str) -> None:
    """A line of the build's report on stdout; nothing with --quiet (errors go to stderr regardless)."""
    if verbosity >= VERBOSITY["normal"]:
        print(message, flush=True)


def detail(message: str) -> None:
    """A line only -v asks for: what each step reused, wrote or skipped."""
    if verbosity >= VERBOSITY["verbose"]:
        print(message, flush=True)


def versions() -> str:
    """This tool's version and those of the programs and libraries that shape its output."""
    from importlib import metadata

    from pilotsite.rendering.embedded import pandoc_display_version
    from pilotsite.state.fingerprint import package_version

    lines = [
        f"pilotsite {project_version()} (build.py, Python {sys.version.split()[0]})",
        f"pandoc {pandoc_display_version()}",
    ]
    try:
        lines.append(f"Pagefind {package_version('pagefind-bin-extended')} (pagefind {package_version('pagefind')})")
    except metadata.PackageNotFoundError:
        lines.append("Pagefind: not installed (pip install -r requirements.txt)")
    lines += [f"jieba {package_version('jieba')}", f"matplotlib {package_version('matplotlib')}"]
    quarto = shutil.which("quarto")
    lines.append(f"Quarto: {quarto}" if quarto else "Quarto: not on PATH (the embedded renderer is used)")
    return "\n".join(lines)


def project_version() -> str:
    """The version in pyproject.toml beside build.py; a project folder without it (build.py,
    pilotsite/ and the data copied elsewhere) names the installed package's, or says it has none."""
    import tomllib
    from importlib import metadata

    try:
        return str(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"])
    except (OSError, UnicodeError, tomllib.TOMLDecodeError, KeyError, TypeError):
        pass
    try:
        return metadata.version("pilotsite")
    except metadata.PackageNotFoundError:
        return "(version unknown: no pyproject.toml beside build.py)"


def choose_renderer(requested: str) -> str:
    """Quarto when asked for (or, with auto, when installed); checked before any work is done."""
    if requested == "auto":
        return "quarto" if shutil.which("quarto") else "embedded"
    if requested == "quarto" and not shutil.which("quarto"):
        raise OptionError(
            "--renderer quarto was given but `quarto` is not on PATH; install Quarto "
            "(https://quarto.org/docs/get-started/) or use --renderer embedded"
        )
    return requested


def build(
    root: Path,
    out: Path,
    renderer: str = "auto",
    site_url: str | None = None,
    check: bool = False,
    jobs: int = 0,
    scheduler: str = "",
    wait: bool = True,
) -> dict:
    """Build the site into out; with check=True, compare instead of publishing. One build at a
    time per project and output folder: a second waits (wait=False: stops with a BuildError)."""
    started = time.perf_counter()
    unfit = output_folder_problem(root, out)
    if unfit:  # before anything is written: publishing replaces the whole folder
        raise OptionError(
            f"--out {out}: {unfit}. Publishing replaces the whole folder: choose a new or empty folder, "
            "or one that holds a site published before (default: _site)"
        )
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


def _build(
    root: Path, out: Path, renderer: str, site_url: str | None, check: bool, jobs: int, scheduler: str, started: float
) -> dict:
    renderer = choose_renderer(renderer)
    publish.recover(out)  # a build killed mid-publish left the old site aside: put it back
    state = BuildState(Workspace.of(root))
    inputs = inputs_digest(root, state.hashes, {"renderer": renderer, "site_url": site_url})
    unchanged = state.unchanged(out, inputs)  # drops cache entries a hand edit of the site wrote through
    previous = None if check else unchanged  # --check always compares every file
    if previous:
        seconds = time.perf_counter() - started
        say(
            f"Nothing changed: 0 of {previous['figures']} figures rebuilt, 0 pages rendered, "
            f"{out} left as it was ({seconds:.2f} s)"
        )
        return {
            "figures": previous["figures"],
            "figures_rebuilt": [],
            "pages_rendered": [],
            "changes": [],
            "seconds": seconds,
            "differences": [],
        }

    from pilotsite import pipeline
    from pilotsite.state.progress import Progress

    progress = Progress.for_output(quiet=verbosity == VERBOSITY["quiet"], write=say)
    run = pipeline.Build(root, out, renderer, site_url, check, jobs, scheduler, state, say, detail, progress=progress)
    catalog = pipeline.load(run)  # [1/7]
    analyses = pipeline.find_analyses(run, catalog)  # [2/7]
    drawn = pipeline.draw_figures(run, catalog, analyses)  # [3/7]
    versions = pipeline.record_versions(run, catalog, drawn)  # [4/7]
    written = pipeline.write_pages(run, catalog, analyses, drawn, versions)  # [5/7]
    written = pipeline.render(run, written)  # [6/7]
    report = pipeline.index_check_and_publish(run, analyses, drawn, versions, written)  # [7/7]

    report["seconds"] = time.perf_counter() - started
    report["phases"] = run.clock.summary()
    made = f"{len(written.sources)} pages written ({len(written.rendered)} rendered anew), {len(drawn.rebuilt)} of "
    made += f"{len(analyses.figures)} figures rebuilt, in {report['seconds']:.1f} s"
    # --check builds beside out and compares (main() says what it found): it publishes nothing
    say(f"Built for the comparison: {made}; nothing published or recorded" if check else f"Done: {made} -> {out}")
    say(f"      {report['phases']}")
    detail(f"      cores busy: {run.clock.cores()}")
    return report


def build_one_figure(root: Path, figure_id: str, out: Path, wait: bool = True) -> None:
    unfit = output_folder_problem(root, out, replaced=False)
    if unfit:  # its files would become inputs, or change a published site
        raise BuildError(f"--out {out}: {unfit}. Choose a folder outside the project's inputs and its sites")
    work_dir = Workspace.of(root).root
    with one_build_at_a_time(work_dir, out, wait, say), fault_guard(work_dir, out):
        _build_one_figure(root, figure_id, out)


def _build_one_figure(root: Path, figure_id: str, out: Path) -> None:
    from pilotsite.figures.figure import discover, figure_text
    from pilotsite.figures.outputs import NOT_DRAWN_FILE, compute_figure
    from pilotsite.inputs.interface import Text, from_plain
    from pilotsite.pipeline import load_catalog

    catalog = load_catalog(root, None)
    figures = {f.id: f for f in discover(catalog)}
    if figure_id not in figures:
        raise BuildError(f"no figure '{figure_id}'; known figures: {', '.join(sorted(figures))}")
    corpus_id = figures[figure_id].params.get("corpus")
    if isinstance(corpus_id, str) and corpus_id in catalog.corpora:
        assert catalog.textwork is not None  # a catalog with corpora has its TextWork
        catalog.textwork.prepare(catalog.corpora[corpus_id])
    figure = figures[figure_id]
    files = compute_figure(figure, catalog)
    if NOT_DRAWN_FILE in files:  # as the build says it: the figure's page says why, and so does this
        reason = cast("str | Text", from_plain(json.loads(files[NOT_DRAWN_FILE])))  # as compute_figure wrote it
        words = figure_text(catalog.project.settings.interface, reason, figure.id, figure.analysis, "en")
        say(f"Nothing to draw for {figure_id}: {words}. No files written.")
        return
    out.mkdir(parents=True, exist_ok=True)
    for name in ("figure.svg", "figure.png", "data.csv"):
        (out / name).write_bytes(files[name])
    say(f"Wrote figure.svg, figure.png and data.csv for {figure_id} to {out}")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="build.py", description=__doc__, epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", nargs="?", default="build", choices=["build", "serve", "figure"])
    parser.add_argument("figure_id", nargs="?", help="with 'figure': the figure id")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: _site, or _figure/ID)")
    parser.add_argument(
        "--renderer",
        choices=["auto", "embedded", "quarto"],
        default=None,
        help="auto (the default) uses Quarto when `quarto` is on PATH, else the embedded pandoc renderer",
    )
    parser.add_argument(
        "--site-url", default=None, help="absolute base URL used in citations (overrides data/site.yaml)"
    )
    parser.add_argument("--check", action="store_true", help="verify --out against the inputs instead of publishing")
    parser.add_argument(
        "--port", type=bounded(0, 65535), default=None, help="with 'serve': the port (default 8000; 0 picks a free one)"
    )
    parser.add_argument(
        "--jobs",
        type=bounded(0, None),
        default=None,
        help="processes that draw figures and segment corpus texts (default, or 0: all cores)",
    )
    parser.add_argument(
        "--scheduler",
        type=scheduler_address,
        default=None,
        help="segment on a Dask cluster instead, e.g. tcp://127.0.0.1:8786",
    )
    parser.add_argument(
        "--no-wait",
        action="store_true",
        help="stop at once if another build is using this project or output folder (default: wait for it)",
    )
    parser.add_argument(
        "--debug", action="store_true", help="show Python tracebacks for errors (the exit status stays the same)"
    )
    loudness = parser.add_mutually_exclusive_group()
    loudness.add_argument(
        "-q", "--quiet", action="store_true", help="print nothing on success (errors still go to stderr)"
    )
    loudness.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="more detail: what each step reused from the cache, wrote or skipped",
    )
    parser.add_argument(
        "--version",
        action="version",
        version="%(prog)s",
        help="show the versions of this tool, pandoc, Pagefind, jieba and matplotlib, and exit",
    )
    args = parser.parse_args(argv)
    if args.command == "figure" and not args.figure_id:
        parser.error("figure needs a figure id, e.g. python build.py figure return-migrant-tool-types")
    if args.command != "figure" and args.figure_id:
        parser.error(
            f"{args.command} takes no figure id (found {args.figure_id!r}); python build.py figure ID draws one"
        )
    # an option the command does not use is refused, not ignored: `figure ID --check` checked nothing
    for option in OPTIONS_NOT_USED[args.command]:
        if getattr(args, option.lstrip("-").replace("-", "_")) not in (None, False):
            parser.error(f"{option} does not apply to {args.command}{OPTION_USES.get(option, '')}")
    for option, default in OPTION_DEFAULTS.items():
        if getattr(args, option) is None:
            setattr(args, option, default)
    if args.command == "serve":
        from pilotsite.preview import port_problem

        problem = port_problem(args.port)
        if problem:  # before the build, which would otherwise run for nothing
            parser.error(f"--port {args.port}: {problem}")
    return args


# The options each command leaves unused (the rest apply to all), and what the unused ones are for.
OPTIONS_NOT_USED = {
    "build": ("--port",),
    "serve": ("--check",),
    "figure": ("--check", "--port", "--renderer", "--site-url", "--jobs", "--scheduler"),
}
OPTION_USES = {
    "--port": ": it is the port of python build.py serve",
    "--check": ": python build.py --check checks a built site",
}
OPTION_DEFAULTS = {"port": 8000, "renderer": "auto", "jobs": 0, "scheduler": ""}


def bounded(low: int, high: int | None) -> Callable[[str], int]:
    """An argparse type: a whole number from low to high (None: no upper bound)."""

    def whole_number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, found {text!r}") from None
        if value < low or (high is not None and value > high):
            span = f"from {low} to {high}" if high is not None else f"{low} or more"
            raise argparse.ArgumentTypeError(f"expected a whole number {span}, found {value}")
        return value

    return whole_number


def scheduler_address(text: str) -> str:
    """An argparse type: a Dask scheduler's address, tcp://HOST:PORT or HOST:PORT (tls:// would need
    certificates, which the build is not given)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(text if "://" in text else f"tcp://{text}")
        whole = parts.scheme == "tcp" and bool(parts.hostname) and parts.port is not None and not parts.path.strip("/")
    except ValueError:  # a port that is no number or out of range, a host in brackets left open
        whole = False
    if not whole:
        raise argparse.ArgumentTypeError(f"expected a scheduler's address such as tcp://127.0.0.1:8786, found {text!r}")
    return text


def stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    global verbosity
    argv = sys.argv[1:] if argv is None else argv
    if "--version" in argv:  # argparse's version action prints a fixed string; these are looked up
        print(versions())
        return EXIT_DONE
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, stop)  # `kill` ends a build as Ctrl-C does: its workers stopped, nothing half-written
    verbosity = VERBOSITY["quiet"] if args.quiet else VERBOSITY["verbose"] if args.verbose else VERBOSITY["normal"]
    # by default in the project's folder, wherever the command is run from (as a path from there)
    default = Path("_figure") / args.figure_id if args.command == "figure" else Path("_site")
    # --out X/../X is X: else its staging and lock folders were named from a path through the site
    out = Path(os.path.normpath(args.out)) if args.out else Path(os.path.relpath(ROOT / default))
    try:
        if args.command == "figure":
            build_one_figure(ROOT, args.figure_id, out, wait=not args.no_wait)
            return EXIT_DONE
        if args.check and not os.path.lexists(out):
            # nothing to compare: no need to build everything to say so
            print(f"{out} does not exist: there is no site to check (python build.py builds it).", file=sys.stderr)
            return EXIT_DIFFERS
        first_failure = None  # serve's first build, failed on bad input: serve shows it and waits for a fix
        try:
            report = build(
                ROOT,
                out,
                args.renderer,
                args.site_url,
                check=args.check,
                jobs=args.jobs,
                scheduler=args.scheduler,
                wait=not args.no_wait,
            )
        except BuildError as exc:
            if args.command != "serve" or exc.exit_code != EXIT_BAD_INPUT or isinstance(exc, OptionError):
                raise
            if args.debug:
                traceback.print_exc()
            first_failure = failure_message(exc)
            print(first_failure, file=sys.stderr, end="")
            report = {"differences": []}
        if args.check:
            if report["differences"]:
                print_differences(out, report["differences"])
                return EXIT_DIFFERS
            say(f"{out} is exactly what the current inputs produce.")
        if args.command == "serve":
            build_args = ["--out", str(out.resolve()), "--renderer", args.renderer, "--jobs", str(args.jobs)]
            build_args += (["--site-url", args.site_url] if args.site_url else []) + (
                ["--scheduler", args.scheduler] if args.scheduler else []
            )
            from pilotsite import preview

            try:
                preview.serve(ROOT, out, args.port, build_args, say, first_failure)
            except preview.PortTaken as exc:
                built = f"; the site in {out} is built" if first_failure is None else ""
                print(f"serve: --port {args.port}: {exc}{built}.", file=sys.stderr)
                return EXIT_BAD_INPUT
        return EXIT_DONE
    except BuildError as exc:
        if args.debug:  # the traceback too, and the exit status as ever
            traceback.print_exc()
        print(failure_message(exc), file=sys.stderr, end="")
        return exc.exit_code
    except KeyboardInterrupt:
        print("Interrupted; the published site was not changed.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # a defect of pilotsite: said as one, and never taken for --check's "differs"
        if args.debug:
            traceback.print_exc()
        print(defect_message(exc, args.debug), file=sys.stderr, end="")
        return EXIT_DEFECT


def failure_message(exc: BuildError) -> str:
    """What a failed build prints: one line, then each problem (the first MAX_SHOWN_PROBLEMS)."""
    lines = ["Build failed; the published site was not changed."]
    lines += [f"  error: {problem}" for problem in exc.problems[:MAX_SHOWN_PROBLEMS]]
    if len(exc.problems) > MAX_SHOWN_PROBLEMS:
        lines.append(f"  … and {len(exc.problems) - MAX_SHOWN_PROBLEMS} more problems")
    return "".join(f"{line}\n" for line in lines)


def defect_message(exc: Exception, debug: bool) -> str:
    """What an exception no check of the inputs raised prints: where in pilotsite it happened,
    and how to report it. The data may well be fine."""
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if Path(f.filename).is_relative_to(ROOT / "pilotsite") or f.filename == __file__]
    last = (own or frames)[-1] if frames else None  # the project's own line, not a library's
    where = Path(last.filename) if last else None
    shown_at = where.relative_to(ROOT).as_posix() if where and where.is_relative_to(ROOT) else where
    place = f" (at {shown_at}:{last.lineno})" if last else ""
    said = shown(f"{type(exc).__name__}: {exc}", limit=300) if str(exc) else type(exc).__name__
    how = "the traceback is above" if debug else "run it again with --debug for the traceback"
    return (
        f"Build failed because of a defect of pilotsite itself, not of your inputs: {said}{place}.\n"
        f"  The published site was not changed. Please report it with the command you ran ({how}).\n"
    )


def print_differences(out: Path, differences: list[tuple[str, str]]) -> None:
    """--check's report: how many files differ and how, then each (the first LISTED_DIFFERENCES)."""
    counts = {kind: sum(1 for k, _ in differences if k == kind) for kind in DIFFERENCE_KINDS}
    how = ", ".join(f"{counts[kind]} {said}" for kind, said in DIFFERENCE_KINDS.items() if counts[kind])
    print(f"{out} is not what the current inputs produce; {len(differences)} files differ ({how}):", file=sys.stderr)
    for kind, path in differences[:LISTED_DIFFERENCES]:
        print(f"  {kind + ':':9}{path}", file=sys.stderr)
    if len(differences) > LISTED_DIFFERENCES:
        print(f"  and {len(differences) - LISTED_DIFFERENCES} more", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
