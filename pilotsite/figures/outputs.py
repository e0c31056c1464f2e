"""Running one figure (data, SVG, PNG, alt text, checks) and keeping the result in the cache.

A figure's outputs are stored under .build/cache/figures/<figure-id>/<key>/, where the key is
the hash of everything the figure depends on (see fingerprint.py). Pages are always built from
the stored files, so a figure read from the cache and one just drawn give the same pages.

A figure whose inputs changed is computed again, but drawn again only if what its drawing reads
changed: its data frame, its size, and everything of its key but its input files (its code,
parameters, libraries, drawn texts). Otherwise its images are those of its previous entry, whose
DRAWING_KEY says what they were drawn from: a text added to a corpus that shifts no count of a
figure does not cost a matplotlib drawing (most of a figure's time).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import multiprocessing
import os
import pickle
import platform
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pandas as pd

from pilotsite.analysis.cluster import process_count
from pilotsite.errors import BuildError, Problem, relative
from pilotsite.figures.figure import (
    Catalog,
    Check,
    Figure,
    Inputs,
    NotDrawn,
    NothingToDraw,
    drawn_names,
    figure_text,
    where_in,
)
from pilotsite.figures.fonts import describe_characters, undrawable
from pilotsite.inputs.interface import LANGUAGES, Interface, Text, Translated, from_plain, to_plain
from pilotsite.state.fingerprint import library_versions
from pilotsite.state.ledger import PDF_FILE, PRINT_PNG

if TYPE_CHECKING:
    from pilotsite.figures.drawing import Drawing

FIGURE_FILES = ("data.csv", "figure.svg", "figure.png", PDF_FILE, PRINT_PNG, "result.json")
NOT_DRAWN_FILE = "not-drawn.json"  # instead of FIGURE_FILES: why compute found nothing to draw
DRAWING_KEY = "drawing.key"  # beside FIGURE_FILES: what the images were drawn from (EarlierDrawing.key)

# result.json keeps the alt text, headline and checks as the analysis gave them (a Text is kept as
# its key and values, interface.to_plain), so they are put into words when the pages are made, in
# every language, and an edited catalogue text never leaves a cached figure stale.


@dataclass(frozen=True)
class FigureResult:
    figure: Figure
    key: str
    components: dict[str, str]
    data: pd.DataFrame  # every cell a string, exactly as in data.csv
    csv: bytes
    svg: bytes
    png: bytes
    pdf: bytes
    print_png: bytes
    alt: str  # alt, headline and checks in the reference language; translations has the others
    headline: str
    checks: tuple[Check, ...]
    source: str  # the analysis file's text
    # (language, alt, headline, checks, tips): tips (data row -> tooltip) where the page must put
    # its own in place of figure.svg's, which are in the reference language
    translations: tuple[tuple[str, str, str, tuple[Check, ...], dict[int, str]], ...] = ()
    tips: dict[int, str] = field(default_factory=dict)

    def in_language(self, language: str) -> FigureResult:
        """This result as the edition of the language shows it: the figure's texts and the alt
        text, headline and checks in that language where the catalogues have them."""
        figure = self.figure.in_language(language)
        for found, alt, headline, checks, tips in self.translations:
            if found == language:
                return replace(self, figure=figure, alt=alt, headline=headline, checks=checks, tips=tips)
        return replace(self, figure=figure)

    @property
    def input_hashes(self) -> tuple[tuple[str, str], ...]:
        return tuple((name[5:], digest) for name, digest in self.components.items() if name.startswith("data:"))


def software_versions() -> dict[str, str]:
    """Versions of Python and of the libraries that shape a figure's output."""
    versions = {"python": platform.python_version()}
    versions.update(library_versions())  # the same libraries that are part of every figure's key
    versions["font"] = "Noto Sans CJK SC (NotoSansCJKsc-Regular.otf, mplfonts)"  # named by software.font
    return versions


def to_csv(data: pd.DataFrame) -> bytes:
    text: str = data.to_csv(index=False, lineterminator="\n")
    return text.encode("utf-8")


@dataclass(frozen=True)
class EarlierDrawing:
    """What a figure's images may be reused from: context is the hash of everything its drawing
    reads but its data (its key's components other than its input files), entry its previous
    cache entry (None: there is none to reuse)."""

    context: str
    entry: Path | None = None

    def key(self, data: pd.DataFrame, size: tuple[float, float]) -> str:
        """What the images are drawn from: the context, the size, and the data frame draw is
        given, pickled whole (values, types, column names, attrs: whatever draw may read)."""
        digest = hashlib.sha256(f"{self.context}\n{size!r}\n".encode())
        digest.update(pickle.dumps(data, protocol=5))
        return digest.hexdigest()

    def reused(self, key: str) -> Drawing | None:
        """The previous entry's images, if they were drawn from exactly this."""
        from pilotsite.figures.drawing import Drawing

        entry = self.entry
        if entry is None or not (entry / DRAWING_KEY).is_file():
            return None
        if (entry / DRAWING_KEY).read_text(encoding="utf-8") != key:
            return None
        meta = json.loads((entry / "result.json").read_text(encoding="utf-8"))
        # result.json holds the tips only where one is a Text (compute_figure); the others are in figure.svg
        tips = {int(row): cast("str | Text", from_plain(tip)) for row, tip in meta.get("tips", {}).items()}
        return Drawing(
            svg=(entry / "figure.svg").read_bytes(),
            png=(entry / "figure.png").read_bytes(),
            pdf=(entry / PDF_FILE).read_bytes(),
            print_png=(entry / PRINT_PNG).read_bytes(),
            tips=tips,
        )


@dataclass(frozen=True)
class Evaluation:
    """A figure just computed and drawn, before it is serialised into the cache."""

    data: pd.DataFrame
    drawn: Drawing  # the image in every format
    alt: str | Text
    headline: str | Text
    checks: tuple[Check, ...]
    drawing_key: str = ""  # EarlierDrawing.key, when evaluate was given one


# The files a figure's code opens under the project's data/ or a corpus's folder without declaring
# them (pd.read_csv("data/…") where inputs.require was meant): an audit hook sees every open while
# a figure is computed, drawn and described. For the figure being evaluated: (the folders watched,
# the files it declares, what it opened besides).
_WATCHING: list[tuple[tuple[str, ...], frozenset[str], list[str]]] = []
_HOOKED: list[bool] = []  # whether this process has the hook (it is never removed)


def _seen_open(event: str, args: tuple[Any, ...]) -> None:
    if event != "open" or not _WATCHING:
        return
    try:  # a hook must never fail the open it sees
        if not isinstance(args[0], (str, bytes, os.PathLike)):
            return  # a file descriptor
        opened = os.path.abspath(os.fsdecode(args[0]))
        folders, declared, found = _WATCHING[-1]
        if opened not in declared and opened.startswith(folders) and opened not in found:
            found.append(opened)
    except Exception:
        return


@contextlib.contextmanager
def undeclared_opens(figure: Figure, catalog: Catalog) -> Iterator[list[str]]:
    """The files under data/ or a corpus's folder that the figure's code opens while in the
    block, besides those it declares: the declared inputs are exact only if nothing is read
    around `inputs` (a figure would otherwise not be redrawn when such a file changes, and its
    deposit bundle would not carry it)."""
    if not _HOOKED:
        sys.addaudithook(_seen_open)
        _HOOKED.append(True)
    folders = [catalog.project.data, *(corpus.folder for corpus in catalog.corpora.values())]
    watched = tuple(os.path.join(os.path.abspath(folder), "") for folder in folders)
    declared = frozenset(os.path.abspath(catalog.path(name)) for name in figure.inputs)
    found: list[str] = []
    _WATCHING.append((watched, declared, found))
    try:
        yield found
    finally:
        _WATCHING.pop()


def checked_data(figure: Figure, data: object) -> pd.DataFrame:
    """What compute returned, if it is data a figure can publish: a data frame with rows, its
    columns named by distinct texts, its primary key among them."""

    def wrong(message: str) -> BuildError:
        return BuildError([Problem(figure.analysis, f"figure '{figure.id}' {message}")])

    if not isinstance(data, pd.DataFrame):
        raise wrong(f"computed {type(data).__name__}, expected a pandas DataFrame (compute returns one)")
    if data.empty:
        raise wrong("produced no data rows")
    columns = list(data.columns)
    unnamed = [c for c in columns if not isinstance(c, str)]
    if unnamed:
        raise wrong(f"has a data column named {unnamed[0]!r}, not by a text: name every column (data.csv's header)")
    twice = sorted({c for c in columns if columns.count(c) > 1})
    if twice:
        raise wrong(f"has two data columns named {twice[0]!r}: name each once (data.csv's header)")
    unknown = [c for c in figure.primary_key if c not in columns]
    if unknown:
        raise wrong(f"declares primary_key {unknown[0]!r}, which is none of its data's columns ({', '.join(columns)})")
    return data


def checked_text(figure: Figure, function: str, value: object) -> str | Text:
    """What describe or headline returned, if it is a text (a str or a Text of the catalogues)."""
    if not isinstance(value, (str, Text)) or (isinstance(value, str) and not value.strip()):
        raise BuildError(
            [Problem(figure.analysis, f"figure '{figure.id}': {function} returned {value!r:.60}, expected a text")]
        )
    return value


def evaluate(figure: Figure, catalog: Catalog, earlier: EarlierDrawing | None = None) -> Evaluation:
    """Compute, draw and check one figure; an exception becomes a BuildError naming the analysis.
    With earlier, the images are the earlier ones where they were drawn from the same. A file it
    reads around its inputs fails it too (undeclared_opens)."""
    with undeclared_opens(figure, catalog) as undeclared:
        done = _evaluated(figure, catalog, earlier)
    if undeclared:
        root = catalog.project.root
        raise BuildError(
            [
                Problem(
                    figure.analysis,
                    f"figure '{figure.id}' reads {relative(Path(path), root)} but does not list it in its "
                    "inputs (read each input through inputs: inputs.require(path) for a file of your own)",
                )
                for path in undeclared
            ]
        )
    return done


def _evaluated(figure: Figure, catalog: Catalog, earlier: EarlierDrawing | None) -> Evaluation:
    from pilotsite.figures import drawing  # matplotlib is imported only when something is drawn

    data = None
    try:
        inputs = Inputs(figure, catalog)
        data = checked_data(figure, figure.compute(inputs))
        inputs.check_all_read()
        interface = catalog.project.settings.interface
        shown = data.reset_index(drop=True)  # marks name rows by position
        drawing_key = earlier.key(shown, figure.size) if earlier is not None else ""
        try:
            drawn = (earlier.reused(drawing_key) if earlier is not None else None) or drawing.render(
                figure.draw,
                shown,
                figure.size,
                interface,
                cast("Mapping[str, Mapping[str, Translated]]", figure.drawn_names),
            )
        except BuildError as missing:  # a drawn text the catalogues lack
            raise BuildError(
                [
                    Problem(p.file, f"{p.message}, for figure '{figure.id}' of {figure.analysis}", p.line)
                    for p in missing.problems
                ]
            ) from None
        return Evaluation(
            data,
            drawn,
            checked_text(figure, "describe", figure.describe(data)),
            checked_text(figure, "headline", figure.headline(data)) if figure.headline else "",
            tuple(figure.checks(data)) if figure.checks else (),
            drawing_key,
        )
    except (BuildError, NothingToDraw):
        raise
    except Exception as exc:
        if isinstance(exc, OSError) and in_build_caches(exc, catalog):
            raise  # the build's own caches changed under it: a fault of the machine (faults), not of the analysis
        # a glyph the font lacks: said of the data's cell that has it, not of matplotlib's line
        cells = undrawable_cells(data) if isinstance(exc, UserWarning) and isinstance(data, pd.DataFrame) else []
        if cells:
            raise BuildError([undrawable_cell(figure, catalog, *cell) for cell in cells[:3]]) from exc
        names = undrawable_names(figure) if isinstance(exc, UserWarning) else []
        if names:
            raise BuildError(
                [
                    Problem(
                        figure.analysis,
                        f"figure '{figure.id}': the name it draws for {column} '{value}' ({text[:60]!r}) has "
                        f"{describe_characters(missing)}, which the figures' font cannot draw; change it where it "
                        "is written (data/i18n/, a document.yaml, data/corpora.yaml or the codebook)",
                    )
                    for column, value, text, missing in names[:3]
                ]
            ) from exc
        raise BuildError(
            [
                Problem(
                    figure.analysis,
                    f"figure '{figure.id}' failed: {type(exc).__name__}: {exc}{where_in(exc, figure.analysis)}",
                )
            ]
        ) from exc


def in_build_caches(exc: OSError, catalog: Catalog) -> bool:
    """Whether an error is of a file of the build's caches (.build/, the corpora's token and coded
    caches), which another program removed or a full disk cut: the analysis only read it."""
    folders = [catalog.cache_dir.parent] if catalog.cache_dir is not None else []
    if catalog.textwork is not None:
        folders += [catalog.textwork.token_dir, catalog.textwork.coded_dir]
    named = [os.path.abspath(os.fsdecode(n)) for n in (exc.filename, exc.filename2) if isinstance(n, (str, bytes))]
    return any(Path(n).is_relative_to(os.path.abspath(folder)) for n in named for folder in folders)


def undrawable_cell(figure: Figure, catalog: Catalog, column: str, value: str, missing: list[str]) -> Problem:
    """A cell of a figure's data with characters the font cannot draw, said of the row of the
    input it comes from where a table the figure reads has the value in a column of that name
    (a timeline's label: data/timelines/events.csv, line 12, column 'label'), else of the figure."""
    import csv

    cannot = f"{describe_characters(missing)}, which the figures' font cannot draw"
    for name in figure.inputs:
        if not name.endswith(".csv") or not catalog.path(name).is_file():
            continue
        with open(catalog.path(name), encoding="utf-8-sig", newline="") as handle:
            rows = csv.DictReader(handle)
            for row in rows:
                if row.get(column) == value:
                    return Problem(
                        name, f"{cannot} (figure '{figure.id}' draws it): remove it", line=rows.line_num, column=column
                    )
    return Problem(
        figure.analysis,
        f"figure '{figure.id}': its data has {cannot}, in column '{column}' ({value[:60]!r}); remove it from the "
        "input the row comes from",
    )


def undrawable_cells(data: pd.DataFrame) -> list[tuple[str, str, list[str]]]:
    """(column, value, its characters the figures' font lacks) of the text cells that have some."""
    found = []
    for column in data.columns:
        for value in dict.fromkeys(v for v in data[column] if isinstance(v, str)):
            missing = undrawable(value)
            if missing:
                found.append((str(column), value, missing))
    return found


def undrawable_names(figure: Figure) -> list[tuple[str, str, str, list[str]]]:
    """(column, value, name, its characters the figures' font lacks) of the names the figure
    draws of its data's values (drawn_names, resolved) that have some."""
    found = []
    for column, names in drawn_names(figure).items():
        for value, texts in names.items():
            for text in dict.fromkeys(text for _, text in texts):
                missing = undrawable(text)
                if missing:
                    found.append((column, value, text, missing))
    return found


def compute_figure(figure: Figure, catalog: Catalog, earlier: EarlierDrawing | None = None) -> dict[str, bytes]:
    """The files the cache keeps for one figure (or why there is nothing to draw); with earlier,
    also what its images were drawn from (DRAWING_KEY), and those of earlier.entry where the same."""
    try:
        done = evaluate(figure, catalog, earlier)
    except NothingToDraw as nothing:
        reason = nothing.args[0] if nothing.args and isinstance(nothing.args[0], Text) else str(nothing)
        return {NOT_DRAWN_FILE: json.dumps(to_plain(reason), ensure_ascii=False).encode("utf-8")}
    meta = {
        "alt": to_plain(done.alt),
        "headline": to_plain(done.headline),
        "checks": [[to_plain(c.name), c.passed, to_plain(c.detail)] for c in done.checks],
    }
    tips = done.drawn.tips
    if any(isinstance(tip, Text) for tip in tips.values()):  # figure.svg has them in the reference language only
        meta["tips"] = {str(row): to_plain(tip) for row, tip in sorted(tips.items())}
    files = {
        "data.csv": to_csv(done.data),
        "figure.svg": done.drawn.svg,
        "figure.png": done.drawn.png,
        PDF_FILE: done.drawn.pdf,
        PRINT_PNG: done.drawn.print_png,
        "result.json": json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8"),
    }
    if done.drawing_key:
        files[DRAWING_KEY] = done.drawing_key.encode("ascii")
    return files


# What forked workers compute: set just before the pool forks them, so nothing is pickled.
_FORKED: tuple[list[Figure], Catalog, dict[str, EarlierDrawing]] | tuple[()] = ()

# ("files", the files of compute_figure) or ("problems", each Problem as a dict)
Outcome = tuple[str, dict[str, bytes] | list[dict[str, Any]]]


def _compute_forked(index: int) -> Outcome:
    assert len(_FORKED) == 3  # set before the pool forked this worker
    figures, catalog, earlier = _FORKED
    try:
        return "files", compute_figure(figures[index], catalog, earlier.get(figures[index].id))
    except BuildError as error:  # sent back as plain data: the problems keep their file and line
        return "problems", [asdict(p) for p in error.problems]


def compute_figures(
    figures: list[Figure],
    catalog: Catalog,
    jobs: int = 0,
    advance: Callable[[int], None] = lambda n: None,
    earlier: dict[str, EarlierDrawing] | None = None,
) -> list[tuple[Figure, dict[str, bytes]]]:
    """compute_figure for each figure, in up to `jobs` forked processes (0: all cores), in order;
    earlier: by figure id, what its images may be reused from.

    The outputs do not depend on where a figure is drawn. Every figure is tried and the problems
    of all that fail are raised together; nothing is returned (so nothing is cached) unless all
    succeed. Workers only compute: a worker that is killed leaves nothing behind.
    """
    jobs = min(process_count(jobs), len(figures))
    earlier = earlier or {}
    outcomes: list[Outcome] = []
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for figure in figures:
            try:
                outcomes.append(("files", compute_figure(figure, catalog, earlier.get(figure.id))))
            except BuildError as error:
                outcomes.append(("problems", [asdict(p) for p in error.problems]))
            advance(1)
    else:
        from pilotsite.figures import drawing  # noqa: F401  (matplotlib imported once here, not in every worker)

        global _FORKED
        _FORKED = (figures, catalog, earlier)
        pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"))
        try:
            futures = [pool.submit(_compute_forked, index) for index in range(len(figures))]
            for future in futures:
                outcomes.append(future.result())
                advance(1)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            _FORKED = ()
    problems = [
        Problem(**p)
        for outcome, value in outcomes
        if outcome == "problems"
        for p in cast("list[dict[str, Any]]", value)  # a "problems" outcome's value
    ]
    if problems:
        raise BuildError(problems)
    # no problems: every outcome is ("files", …)
    return [(figure, cast("dict[str, bytes]", files)) for figure, (_, files) in zip(figures, outcomes, strict=True)]


class FigureCache:
    """Finished figure outputs by figure id and key; entries appear whole or not at all."""

    def __init__(self, folder: Path):
        self.folder = folder

    def entry(self, figure_id: str, key: str) -> Path:
        return self.folder / figure_id / key

    def has(self, figure_id: str, key: str) -> bool:
        entry = self.entry(figure_id, key)
        return all((entry / name).is_file() for name in FIGURE_FILES) or (entry / NOT_DRAWN_FILE).is_file()

    def store(self, figure_id: str, key: str, files: dict[str, bytes], components: dict[str, str]) -> None:
        entry = self.entry(figure_id, key)
        temporary = entry.with_name(f".tmp-{key}-{os.getpid()}")
        if temporary.exists():
            shutil.rmtree(temporary)
        temporary.mkdir(parents=True)
        for name, content in files.items():
            (temporary / name).write_bytes(content)
        (temporary / "components.json").write_text(json.dumps(components, indent=1, sort_keys=True), encoding="utf-8")
        if entry.exists():  # a previous run stored it but died before using it
            shutil.rmtree(entry)
        os.rename(temporary, entry)

    def load(
        self, figure: Figure, key: str, components: dict[str, str], root: Path, interface: Interface
    ) -> FigureResult | NotDrawn:
        """The stored outputs, their texts in every language (a text the catalogues lack fails,
        naming the figure and its analysis)."""
        entry = self.entry(figure.id, key)
        if (entry / NOT_DRAWN_FILE).is_file():
            # the file holds to_plain of a str or Text (compute_figure)
            reason = cast("str | Text", from_plain(json.loads((entry / NOT_DRAWN_FILE).read_text(encoding="utf-8"))))
            not_drawn = NotDrawn(
                figure.id,
                figure.title,
                reason,
                str(figure.params.get("corpus", "")),
                figure.analysis,
                documents=figure.documents,
            )
            resolved = not_drawn.resolved(interface)  # the figure's title is in words already: keep its translations
            return replace(
                resolved,
                translations=tuple(
                    # a discovered figure's title is in words (figure._with_texts)
                    (language, cast(str, figure.in_language(language).title), reason)
                    for language, _, reason in resolved.translations
                ),
            )
        csv = (entry / "data.csv").read_bytes()
        meta = json.loads((entry / "result.json").read_text(encoding="utf-8"))
        texts = [(language, *self._texts(figure, meta, interface, language)) for language in LANGUAGES]
        return FigureResult(
            figure=figure,
            key=key,
            components=components,
            data=pd.read_csv(io.BytesIO(csv), dtype=str, keep_default_na=False),
            csv=csv,
            svg=(entry / "figure.svg").read_bytes(),
            png=(entry / "figure.png").read_bytes(),
            pdf=(entry / PDF_FILE).read_bytes(),
            print_png=(entry / PRINT_PNG).read_bytes(),
            alt=texts[0][1],
            headline=texts[0][2],
            checks=texts[0][3],  # texts[0][4]: figure.svg has them
            source=(root / figure.analysis).read_text(encoding="utf-8-sig"),  # as Python reads it
            translations=tuple(texts[1:]),
        )

    @staticmethod
    def _texts(
        figure: Figure, meta: dict[str, Any], interface: Interface, language: str
    ) -> tuple[str, str, tuple[Check, ...], dict[int, str]]:
        def words(value: object) -> str:
            # result.json holds to_plain of a str or Text (compute_figure)
            return figure_text(interface, cast("str | Text", from_plain(value)), figure.id, figure.analysis, language)

        checks = tuple(Check(words(name), passed, words(detail)) for name, passed, detail in meta["checks"])
        tips = {int(row): words(tip) for row, tip in meta.get("tips", {}).items()}
        return words(meta["alt"]), words(meta["headline"]), checks, tips

    def prune(self, keep: dict[str, str]) -> None:
        """Keep only the entries of the current figures' current keys."""
        if not self.folder.exists():
            return
        for figure_dir in self.folder.iterdir():
            for entry in figure_dir.iterdir():
                if keep.get(figure_dir.name) != entry.name:
                    shutil.rmtree(entry, ignore_errors=True)
            if not any(figure_dir.iterdir()):
                figure_dir.rmdir()

    def components(self, figure_id: str, key: str) -> dict[str, str] | None:
        """What a stored version was made from, to say which inputs changed since."""
        path = self.entry(figure_id, key) / "components.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
