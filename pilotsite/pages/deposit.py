"""Deposit metadata for one figure version: what a data repository takes to register it and mint
its DOI, made from the facts its citation names (CitedFigure), written beside its page.

- datacite.json: DataCite Metadata Schema 4.5 in DataCite's JSON form, checked against that
  schema by the `datacite` package before it is written; datacite.xml: the same record as the
  XML a DataCite member deposits (written by the same package).
- zenodo.json: Zenodo's (legacy) deposit metadata, what its upload API and GitHub integration read.

The resource type is Dataset, not Image: a version is its data table, the image drawn from it
and the code that drew it, and every other record of it (CSL `dataset`, RIS `DATA`, CFF
`dataset`, schema.org `Dataset`) says so too. Nothing here reads the network or the clock.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pilotsite.errors import BuildError, Problem
from pilotsite.pages.citation import CitedFigure
from pilotsite.state.fingerprint import package_version, write_atomic

DATACITE_JSON = "datacite.json"
DATACITE_XML = "datacite.xml"
ZENODO_JSON = "zenodo.json"
DEPOSIT_FILES = (DATACITE_JSON, DATACITE_XML, ZENODO_JSON)
RESOURCE_TYPE = "Dataset"  # see the module's docstring
SPDX_LICENCES = "https://spdx.org/licenses/"
MEDIA_TYPES = {
    ".csv": "text/csv",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".pdf": "application/pdf",
    ".py": "text/x-python",
}


@dataclass(frozen=True)
class Related:
    """Another resource a version names: by DOI where it has one, else by URL."""

    identifier: str
    kind: str  # "DOI" or "URL"

    @classmethod
    def of(cls, doi: str, url: str) -> Related:
        return cls(doi, "DOI") if doi else cls(url, "URL")


@dataclass(frozen=True)
class Deposit:
    """What a version's deposit metadata says besides its citation."""

    cited: CitedFigure
    description: str  # the version's caption
    figure: Related  # the figure's permanent page, which always shows its latest version
    previous: Related | None  # the version before it, if any
    same_as: Related | None  # the earlier version whose data, image and texts it repeats exactly, if any
    sources: tuple[Related, ...]  # the source documents it draws on, where known
    files: tuple[str, ...]  # the names of its files
    keywords: tuple[str, ...]


def datacite_record(d: Deposit) -> dict[str, Any]:
    """DataCite 4.5 JSON (as the datacite package and DataCite's REST API read it)."""
    c = d.cited
    related = [
        {
            "relatedIdentifier": d.figure.identifier,
            "relatedIdentifierType": d.figure.kind,
            "relationType": "IsVersionOf",
        }
    ]
    if d.previous is not None:
        related.append(
            {
                "relatedIdentifier": d.previous.identifier,
                "relatedIdentifierType": d.previous.kind,
                "relationType": "IsNewVersionOf",
            }
        )
    if d.same_as is not None:
        related.append(
            {
                "relatedIdentifier": d.same_as.identifier,
                "relatedIdentifierType": d.same_as.kind,
                "relationType": "IsIdenticalTo",
            }
        )
    related += [
        {"relatedIdentifier": s.identifier, "relatedIdentifierType": s.kind, "relationType": "IsDerivedFrom"}
        for s in d.sources
    ]
    record = {
        **({"doi": c.doi} if c.doi else {}),
        "url": c.url,
        "types": {"resourceTypeGeneral": RESOURCE_TYPE, "resourceType": "Figure with its data and code"},
        "creators": [{"name": a} for a in c.authors],
        "titles": [{"title": c.title, "lang": "en"}],
        "publisher": {"name": c.publisher},
        "publicationYear": c.edition[:4],
        "dates": [{"date": c.edition, "dateType": "Issued"}],
        "language": "en",
        "version": str(c.number),
        # DataCite 4.5 names the DOI by `doi` alone; the version's own address is its other identifier
        "alternateIdentifiers": [{"alternateIdentifier": c.url, "alternateIdentifierType": "URL"}],
        "relatedIdentifiers": related,
        "subjects": [{"subject": k} for k in d.keywords],
        "formats": sorted({MEDIA_TYPES[Path(name).suffix] for name in d.files if Path(name).suffix in MEDIA_TYPES}),
        "rightsList": [
            {
                "rights": f"{licence.spdx} ({licence.covers})",
                "rightsUri": licence.url,
                "rightsIdentifier": licence.spdx,
                "rightsIdentifierScheme": "SPDX",
                "schemeUri": SPDX_LICENCES,
            }
            for licence in c.licences
        ],
        "descriptions": [
            {"description": d.description, "descriptionType": "Abstract", "lang": "en"},
            {
                "description": f"Figure {c.figure_id}, version {c.number} (version id {c.version})"
                + (f", based on {c.based_on}" if c.documents else "")
                + f". Files: {', '.join(d.files)}.",
                "descriptionType": "TechnicalInfo",
                "lang": "en",
            },
        ],
        "schemaVersion": "http://datacite.org/schema/kernel-4",
    }
    return record


def zenodo_record(d: Deposit) -> dict[str, Any]:
    """Zenodo's legacy deposit metadata (one licence: the data's; the code's is named in the notes)."""
    c = d.cited
    # the DataCite record's relations, in Zenodo's spelling (isVersionOf for IsVersionOf)
    related = [
        {"identifier": r["relatedIdentifier"], "relation": r["relationType"][0].lower() + r["relationType"][1:]}
        for r in datacite_record(d)["relatedIdentifiers"]
    ]
    record = {
        "upload_type": RESOURCE_TYPE.lower(),
        "title": c.title,
        "creators": [{"name": a} for a in c.authors],
        "description": f"<p>{html.escape(d.description)}</p>",  # Zenodo reads the description as HTML
        "version": str(c.number),
        "publication_date": c.edition,
        "access_right": "open",
        "license": c.licences[0].spdx.lower(),  # Zenodo's licence ids are SPDX ids in lower case
        "related_identifiers": related,
        "keywords": list(d.keywords),
        "notes": " ".join(f"{licence.covers.capitalize()}: {licence.spdx} ({licence.url})." for licence in c.licences),
        **({"doi": c.doi} if c.doi else {}),
    }
    return record


DATACITE_CACHE = "datacite-xml"  # under .build/cache/: each record's XML, by the record


def dumped(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def datacite_schema() -> Any:  # datacite.schema45 (datacite has no type information)
    """datacite.schema45 (the 4.5 JSON schema's validator and the XML writer), without running
    the datacite package's __init__, which imports its HTTP clients (requests, idutils: two
    thirds of the import's third of a second, in each process that makes pages) that a build,
    which never touches the network, does not use."""
    import importlib.util
    import sys

    if "datacite" not in sys.modules:
        spec = importlib.util.find_spec("datacite")
        assert spec is not None  # datacite is in requirements.txt
        sys.modules["datacite"] = importlib.util.module_from_spec(spec)  # its folder, for the submodules
    from datacite import schema45

    return schema45


def datacite_xml(record: dict[str, Any], label: str, cache_dir: Path | None = None) -> str:
    """The record as DataCite XML, once it has passed the DataCite 4.5 JSON schema; kept under
    cache_dir by the record and datacite's version. Every build writes every version's record,
    and validating and converting them all (with the import of datacite) took 1–2 s of a
    one-edit rebuild of the default site."""
    cached = None
    if cache_dir is not None:
        key = hashlib.sha256(f"datacite-xml 1 {package_version('datacite')}\n".encode() + dumped(record)).hexdigest()
        cached = cache_dir / f"{key}.xml"
        if cached.is_file():
            return cached.read_text(encoding="utf-8")
    schema45 = datacite_schema()
    errors = sorted(schema45.validator.iter_errors(record), key=lambda e: list(e.absolute_path))
    if errors:  # a bug in the record above, or a value DataCite refuses: never offer it for deposit
        raise BuildError(
            [
                Problem(
                    label,
                    "DataCite metadata does not pass the 4.5 schema at "
                    f"'{'.'.join(str(p) for p in e.absolute_path)}': {e.message}",
                )
                for e in errors
            ]
        )
    xml: str = schema45.tostring(record)  # datacite has no type information
    if cached is not None:
        write_atomic(cached, xml.encode("utf-8"))
    return xml


def deposit_files(d: Deposit, label: str, cache_dir: Path | None = None) -> tuple[tuple[str, bytes], ...]:
    """datacite.json, datacite.xml and zenodo.json of one version (label: its folder, for errors;
    cache_dir: where DataCite XML is kept)."""
    record = datacite_record(d)
    return (
        (DATACITE_JSON, dumped(record)),
        (DATACITE_XML, datacite_xml(record, label, cache_dir).encode("utf-8")),
        (ZENODO_JSON, dumped(zenodo_record(d))),
    )
