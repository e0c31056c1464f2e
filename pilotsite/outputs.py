"""Running one figure: compute its data, draw it, describe it, check it, fingerprint its inputs."""
from __future__ import annotations

import hashlib
import platform
import traceback
from dataclasses import dataclass
from importlib import metadata

import pandas as pd

from . import drawing
from .analysis import Catalog, Check, Figure, Inputs
from .errors import BuildError, Problem

LIBRARIES = ("pandas", "matplotlib", "jieba", "numpy", "mplfonts")


@dataclass(frozen=True)
class FigureResult:
    figure: Figure
    data: pd.DataFrame
    csv: bytes
    svg: bytes
    png: bytes
    alt: str
    checks: tuple[Check, ...]
    input_hashes: tuple[tuple[str, str], ...]  # (path, sha256)
    source: str  # the analysis file's text


def sha256_file(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def software_versions() -> dict[str, str]:
    """Versions of Python and of the libraries that shape a figure's output."""
    versions = {"python": platform.python_version()}
    versions.update({name: metadata.version(name) for name in LIBRARIES})
    versions["font"] = f"Noto Sans CJK SC ({drawing.FONT_FILE}, from mplfonts)"
    return versions


def to_csv(data: pd.DataFrame) -> bytes:
    return data.to_csv(index=False, lineterminator="\n").encode("utf-8")


def run_figure(figure: Figure, catalog: Catalog) -> FigureResult:
    """Compute, draw and check one figure; an exception becomes a BuildError naming the analysis."""
    root = catalog.project.root
    try:
        data = figure.compute(Inputs(figure, catalog))
        if not isinstance(data, pd.DataFrame) or data.empty:
            raise BuildError([Problem(figure.analysis, f"figure '{figure.id}' produced no data rows")])
        svg, png = drawing.render(figure.draw, data, figure.size)
        alt = figure.describe(data)
        checks = tuple(figure.checks(data)) if figure.checks else ()
    except BuildError:
        raise
    except Exception as exc:
        where = traceback.extract_tb(exc.__traceback__)[-1]
        raise BuildError([Problem(
            figure.analysis,
            f"figure '{figure.id}' failed: {type(exc).__name__}: {exc} (at {where.filename.rsplit('/', 1)[-1]}:{where.lineno})",
        )]) from exc
    return FigureResult(
        figure=figure, data=data, csv=to_csv(data), svg=svg, png=png, alt=alt, checks=checks,
        input_hashes=tuple((p, sha256_file(root / p)) for p in figure.inputs),
        source=(root / figure.analysis).read_text(encoding="utf-8"),
    )
