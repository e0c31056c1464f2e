"""The Quarto renderer: `quarto render` on the generated website project, as a subprocess."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from pilotsite.errors import BuildError


def quarto_executable() -> str | None:
    return shutil.which("quarto")


def render(source_dir: Path, out_dir: Path) -> None:
    """`quarto render` of the whole project in source_dir (every page source written first)."""
    quarto = quarto_executable()
    if quarto is None:
        raise BuildError(
            "--renderer quarto was given but `quarto` is not on PATH; install Quarto "
            "(https://quarto.org/docs/get-started/) or use --renderer embedded"
        )
    result = subprocess.run(
        [quarto, "render", str(source_dir), "--output-dir", str(out_dir.resolve())],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BuildError(f"quarto render failed:\n{result.stderr.strip()}")
