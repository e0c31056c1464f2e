"""Errors a maintainer can act on: each names the file, the place in it, and what was expected."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Problem:
    """One thing wrong with one input file."""

    file: str
    message: str
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


def shown(text: str, limit: int = 120) -> str:
    """A value as an error shows it: whole, or its beginning with an ellipsis that says it is cut;
    a line break in it written \\n (\\r), so that each problem stays on its own line."""
    text = text.replace("\r", "\\r").replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# What `python build.py` exits with (its --help and the README list them)
EXIT_DONE, EXIT_DIFFERS, EXIT_BAD_INPUT, EXIT_MACHINE_FAULT, EXIT_BUSY, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130
EXIT_DEFECT = 70  # a defect of pilotsite itself (sysexits.h's EX_SOFTWARE): not 1, which --check gives


class BuildError(Exception):
    """A user-facing build failure; printed without a traceback. Bad input by default: the data,
    an analysis, the site's templates or the command line."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem(file="build", message=problems)]
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def relative(path: Path, root: Path) -> str:
    """Path as the maintainer would type it from the project root: a file that is a link to one
    elsewhere is named where it lies in the project, not where it points (its tables are found
    by that name); links are followed only where the names do not say it (a project reached
    through a link)."""
    for candidate, base in (
        (Path(os.path.abspath(path)), Path(os.path.abspath(root))),
        (path.parent.resolve() / path.name, root.resolve()),
        (path.resolve(), root.resolve()),
    ):
        if candidate.is_relative_to(base):
            return candidate.relative_to(base).as_posix()
    return str(path)


class OptionError(BuildError):
    """Bad input on the command line that no edit of the project's files can mend (an --out that is
    no site's folder, a renderer that is not installed, a cluster out of reach): `serve` stops on it
    rather than wait for an edit."""


class MachineFault(BuildError):
    """A fault of the machine, not of the input: a full disk, a folder the build may not write, a
    file another program removed (pilotsite/state/faults.py)."""

    exit_code = EXIT_MACHINE_FAULT


class BuildBusy(BuildError):
    """Another build holds the project or the output folder, and --no-wait said not to wait."""

    exit_code = EXIT_BUSY
