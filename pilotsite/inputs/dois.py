"""DOIs recorded for published figure versions (data/dois.yaml), checked before anything is built.

A DOI is minted outside the build (by Zenodo, or a DataCite member from the version's
datacite.xml); the maintainer records it here and every citation of that version then names it.
The build never looks a DOI up: it checks its form, and that it names a version the ledger has.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pilotsite.errors import BuildError, Problem
from pilotsite.inputs.schemas import (
    FIGURE_DOI_EXPECTED,
    Slug,
    Strict,
    Text,
    VersionId,
    bare_doi,
    key_lines,
    validate,
)
from pilotsite.state.ledger import LEDGER, history_json

if TYPE_CHECKING:
    from pilotsite.inputs.project import Project

DOIS = "data/dois.yaml"


class DoiRecords(Strict):
    """data/dois.yaml: figure id -> version id -> DOI."""

    dois: dict[Slug, dict[VersionId, Text]] = {}


def published_versions(root: Path) -> dict[str, list[str]]:
    """Figure id -> its version ids, from the committed ledger (a DOI names a version already published)."""
    path = root / LEDGER
    if not path.is_file():
        return {}
    ledger = history_json(path.read_bytes(), LEDGER)
    return {figure: [entry["version"] for entry in history] for figure, history in ledger.get("figures", {}).items()}


def load_dois(project: Project) -> dict[tuple[str, str], str]:
    """(figure id, version id) -> bare DOI; none when the project has no data/dois.yaml."""
    path = project.path(DOIS)
    if not path.is_file():
        return {}
    from pilotsite.inputs.reading import read_utf8

    text = read_utf8(path, DOIS)
    records = validate(DoiRecords, path, DOIS, text)
    lines = key_lines(text)
    known = published_versions(project.root)
    problems: list[Problem] = []
    seen: dict[str, str] = {}  # DOI, lowercased -> the version it was recorded for
    dois: dict[tuple[str, str], str] = {}
    for figure, versions in records.dois.items():
        for version, written in versions.items():
            line, doi = lines.get(("dois", figure, version)), bare_doi(written)
            if doi is None:
                problems.append(
                    Problem(
                        DOIS,
                        f"figure '{figure}', version '{version}': found '{written}', expected {FIGURE_DOI_EXPECTED}",
                        line=line,
                    )
                )
            elif figure not in known:
                problems.append(
                    Problem(
                        DOIS,
                        f"figure '{figure}': no such figure has a published version "
                        "(use the id in the figure's address figures/<figure-id>/)",
                        line=line,
                    )
                )
            elif version not in known[figure]:
                problems.append(
                    Problem(
                        DOIS,
                        f"figure '{figure}', version '{version}': not a published version of it "
                        f"(its versions: {', '.join(known[figure])})",
                        line=line,
                    )
                )
            elif doi.lower() in seen:
                problems.append(
                    Problem(
                        DOIS,
                        f"figure '{figure}', version '{version}': DOI {doi} is already recorded for "
                        f"{seen[doi.lower()]}; each version has its own DOI",
                        line=line,
                    )
                )
            else:
                seen[doi.lower()], dois[figure, version] = f"figure '{figure}', version '{version}'", doi
    if problems:
        raise BuildError(problems)
    return dois
