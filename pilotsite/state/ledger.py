"""The committed ledger of published figure versions (history/ledger.json).

Whether a figure is redrawn is decided by everything it depends on (its key, fingerprint.py);
whether a new version is published is decided by what a reader sees: its data.csv, its image,
its title, caption, alt text and notes (the published digest). A redraw whose published outputs
are the same as the latest version's records nothing; outputs equal to an earlier version's make
that version current again, under its own number. Each version's files are kept beside the
ledger, so every comparison can be made again on any fresh clone. Never edited by hand.

An entry: version (id), number, edition, previous (id), components (what it was made from: kept
on the latest entry of each figure only, to name what its next version changed, so the ledger
does not grow by a corpus-sized map with every version of a corpus figure), published (digest),
changed (the components that differ from the previous version's), diff (rows added, removed and
changed, and the first changed cells), summary (one line), and for entries from before versions
were decided by what is published, same_as: the earlier version with identical outputs, if any.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeAlias, cast

from pilotsite.errors import BuildError, Problem
from pilotsite.state.datadiff import compare
from pilotsite.state.fingerprint import canonical_json, sha256_bytes, write_atomic

LEDGER = "history/ledger.json"
VERSION_FOLDER = "history/figures/{figure}/{version}"
VERSION_DATA = VERSION_FOLDER + "/data.csv"
PDF_FILE = "figure.pdf"  # kept with a version from when figures had one (figures/pdf.py)
PRINT_PNG = "figure-300dpi.png"  # made from PDF_FILE: with it, the downloads for papers (figures/pdf.py)
CODE_FILE = "history/code/{digest}-{name}"  # analysis sources, kept once per distinct content
VERSION_LENGTH = 12
SHOWN_TEXT = ("title", "caption", "alt", "notes")  # besides data and image, what a reader sees
CELLS_KEPT = 5  # changed cells kept in an entry (the comparison pages show them all)

Entry: TypeAlias = dict[str, Any]  # one version of a figure, as the ledger keeps it (JSON)
Ledger: TypeAlias = dict[str, dict[str, list[Entry]]]  # {"figures": figure id -> its versions, oldest first}


class ShownFigure(Protocol):
    """What the ledger reads of a discovered figure (figures.figure.Figure): its title, caption
    and notes are in words by then (figure._with_texts)."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> object: ...
    @property
    def caption(self) -> object: ...
    @property
    def notes(self) -> tuple[object, ...]: ...
    @property
    def kind(self) -> str: ...
    @property
    def lang(self) -> str: ...
    @property
    def analysis(self) -> str: ...
    @property
    def primary_key(self) -> tuple[str, ...]: ...
    @property
    def documents(self) -> tuple[str, ...]: ...
    @property
    def params(self) -> Mapping[str, Any]: ...
    @property
    def translations(self) -> tuple[tuple[str, str, str, tuple[str, ...]], ...]: ...


class DrawnResult(Protocol):
    """What the ledger reads of a drawn figure (figures.outputs.FigureResult)."""

    @property
    def figure(self) -> ShownFigure: ...
    @property
    def key(self) -> str: ...
    @property
    def components(self) -> dict[str, str]: ...
    @property
    def csv(self) -> bytes: ...
    @property
    def svg(self) -> bytes: ...
    @property
    def png(self) -> bytes: ...
    @property
    def pdf(self) -> bytes: ...
    @property
    def alt(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def translations(self) -> tuple[tuple[Any, ...], ...]: ...  # (language, alt, …) for the other editions


class CitedDocument(Protocol):
    """What a version's page names of each document it quotes (inputs.documents.Document)."""

    @property
    def title(self) -> str: ...
    @property
    def reference(self) -> str: ...
    @property
    def meta(self) -> Mapping[str, Any]: ...  # document.yaml's fields: doi, url, keywords


def document_record(doc_id: str, doc: CitedDocument) -> dict[str, Any]:
    """How a version names a source document, frozen when it is published: as its citations name
    it, and by its DOI, URL and keywords, which its deposit metadata gives: once the document is
    withdrawn the site knows them only from here, and the version's record still names its source."""
    return {
        "id": doc_id,
        "title": doc.title,
        "reference": doc.reference,
        **edition_titles(doc.meta),
        **document_addresses(doc),
    }


def edition_titles(meta: Mapping[str, Any]) -> dict[str, str]:
    """The title_<language> fields that a document's or corpus's metadata gives (title_zh, …),
    recorded with its title: each edition then names the source in its own words once it is
    withdrawn, as it named it while it was on the site."""
    return {
        name: str(value)
        for name, value in sorted(meta.items())
        if name.startswith("title_") and isinstance(value, str) and value
    }


def document_addresses(doc: CitedDocument) -> dict[str, Any]:
    return {
        "doi": doc.meta.get("doi") or "",
        "url": doc.meta.get("url") or "",
        "keywords": [str(k) for k in doc.meta.get("keywords") or []],
    }


@dataclass(frozen=True)
class Change:
    figure_id: str
    version: str
    previous: str | None
    changed: tuple[str, ...]  # component names, e.g. "data:data/reported/…/tool-types.csv"
    summary: str = ""


def published_digest(csv: bytes, svg: bytes, png: bytes, shown: Mapping[str, Any]) -> str:
    """What a reader sees of a version, as one hash: data, image and the text around it."""
    return sha256_bytes(
        canonical_json(
            {
                "data.csv": sha256_bytes(csv),
                "figure.svg": sha256_bytes(svg),
                "figure.png": sha256_bytes(png),
                **{k: shown.get(k) or "" for k in SHOWN_TEXT},
            }
        ).encode("utf-8")
    )


def text_changes(old_meta: Mapping[str, Any], new_meta: Mapping[str, Any]) -> tuple[tuple[str, str, str], ...]:
    """(name, old, new) of each text a reader sees (SHOWN_TEXT) that differs between two versions' meta."""
    return tuple(
        (name, old_meta.get(name) or "", new_meta.get(name) or "")
        for name in SHOWN_TEXT
        if (old_meta.get(name) or "") != (new_meta.get(name) or "")
    )


def shown_notes(f: ShownFigure) -> str:
    """A figure's notes as one text, as a reader sees them: in words once discovered (ShownFigure)."""
    return "\n".join(cast(tuple[str, ...], f.notes))


def result_digest(result: DrawnResult) -> str:
    f = result.figure
    return published_digest(
        result.csv,
        result.svg,
        result.png,
        {
            "title": f.title,
            "caption": f.caption,
            "alt": result.alt,
            "notes": shown_notes(f),
        },
    )


def code_path(result: DrawnResult) -> str:
    digest = hashlib.sha256(result.source.encode("utf-8")).hexdigest()[:16]
    return CODE_FILE.format(digest=digest, name=Path(result.figure.analysis).name)


def version_meta(
    result: DrawnResult,
    number: int,
    edition: str,
    documents: Mapping[str, CitedDocument],
    site_cited: Mapping[str, Any],
    corpora: Mapping[str, Mapping[str, str]] | None = None,
) -> Entry:
    """What a version page needs, frozen when the version is published: site_cited is what its
    citations name of the site (authors, publisher, licences), as data/site.yaml has them then;
    corpora, each corpus's titles by id (the corpus a figure studies is named by it, see
    corpora_of)."""
    f = result.figure
    return {
        "cited": dict(site_cited),
        "corpora": corpora_of(result, corpora or {}),
        "code": code_path(result),
        "id": f.id,
        "version": version_of(result.key),
        "number": number,
        "edition": edition,
        "title": f.title,
        "caption": f.caption,
        "alt": result.alt,
        "notes": shown_notes(f),
        "kind": f.kind,
        "lang": f.lang,
        "analysis": f.analysis,
        "primary_key": list(f.primary_key),
        "documents": [document_record(d, documents[d]) for d in f.documents],
        "translations": translated_words(result),
        "tips": translated_tips(result),
    }


def corpora_of(result: DrawnResult, corpora: Mapping[str, Mapping[str, str]]) -> list[dict[str, str]]:
    """The corpus the figure studies (its parameter "corpus"), by id and titles (corpora: corpus id
    -> its title and title_<language> fields): a version's page says so when the corpus is
    withdrawn, as it does of a withdrawn document."""
    corpus = result.figure.params.get("corpus")
    return [{"id": corpus, **corpora[corpus]}] if isinstance(corpus, str) and corpus in corpora else []


def translated_words(result: DrawnResult) -> dict[str, dict[str, str]]:
    """The version's title, caption, notes and alt text in the other editions' languages, where
    the catalogues have them when it is published: frozen with it, so that its page in those
    editions stays as it was whatever later versions or translations change."""
    words: dict[str, dict[str, str]] = {}
    for language, title, caption, notes in result.figure.translations:
        words[language] = {"title": str(title), "caption": str(caption), "notes": "\n".join(map(str, notes))}
    for language, alt, *_ in result.translations:
        words.setdefault(language, {})["alt"] = alt
    return dict(sorted(words.items()))


def translated_tips(result: DrawnResult) -> dict[str, dict[str, str]]:
    """The tooltips of the version's marks in the other editions' languages (data row -> tooltip),
    where its figure.svg's are in the reference language only: frozen with it, so that its page
    in those editions keeps them once it is no longer the current version."""
    return {
        language: {str(row): tip for row, tip in sorted(tips.items())}
        for language, *_, tips in sorted(result.translations, key=lambda t: str(t[0]))
        if tips
    }


def kept_translations(meta: Mapping[str, Any], result: DrawnResult) -> dict[str, dict[str, str]]:
    """For a version published before versions froze their translations, those the figure drawn
    now (result) has of the version's own words: its title and caption where the version's are
    the figure's, its alt text and notes where those are (a translation of other words is not the
    version's)."""
    same_words = (result.figure.title, result.figure.caption) == (meta["title"], meta["caption"])
    same = {"alt": result.alt == meta["alt"], "notes": shown_notes(result.figure) == (meta.get("notes") or "")}
    kept = {
        language: {name: text for name, text in words.items() if same.get(name, same_words)}
        for language, words in translated_words(result).items()
    }
    return {language: words for language, words in kept.items() if words}


def version_of(key: str) -> str:
    return key[:VERSION_LENGTH]


def history_json(raw: str | bytes, label: str) -> Any:
    """A JSON file under history/ (written only by the build, but merged and checked out by git):
    a file git left conflicted, or damaged, is an error naming it, not a traceback."""
    try:
        return json.loads(raw)
    except ValueError as exc:  # JSONDecodeError, or bytes that are not UTF-8
        where = getattr(exc, "lineno", None)
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        conflict = "<<<<<<<" in text
        raise BuildError(
            [
                Problem(
                    label,
                    f"not valid JSON ({getattr(exc, 'msg', exc)})"
                    + (
                        "; git left a merge conflict in it: take one side (git checkout --ours or --theirs "
                        f"{label}), build, and commit history/"
                        if conflict
                        else "; only the build writes it: restore it from git (git checkout -- history/)"
                    ),
                    line=where,
                )
            ]
        ) from None


def has_published(root: Path, figure_id: str) -> bool:
    """Whether history/ keeps a published version of the figure: told by its folders, which stay
    whatever the ledger's state (a damaged ledger is reported by load())."""
    return any(path.is_dir() for path in (root / VERSION_FOLDER.format(figure=figure_id, version="")).glob("*"))


def published_kinds(root: Path) -> dict[str, tuple[str, str, int]]:
    """Figure id -> the kind and analysis its latest published version recorded, and how many
    versions it has: what a figure taking the id is checked against (figure.discover_all). A
    ledger or meta.json that cannot be read is left to load() and the pages to report."""
    try:
        figures = json.loads((root / LEDGER).read_text(encoding="utf-8")).get("figures", {})
        found = {}
        for figure_id, history in figures.items():
            path = root / VERSION_FOLDER.format(figure=figure_id, version=history[-1]["version"]) / "meta.json"
            if path.is_file():
                meta = json.loads(path.read_text(encoding="utf-8"))
                found[figure_id] = (str(meta["kind"]), str(meta["analysis"]), len(history))
        return found
    except (OSError, ValueError, LookupError, TypeError, AttributeError):
        return {}


def load(root: Path) -> Ledger:
    """The ledger, each entry with its published digest, diff and summary (entries written before
    versions were decided by what is published get them from their files in history/)."""
    path = root / LEDGER
    if not path.is_file():
        versions = sorted((root / "history/figures").glob("*/*/meta.json"))
        if versions:  # an empty ledger would restart every figure at version 1, its old addresses gone
            raise BuildError(
                [
                    Problem(
                        LEDGER,
                        f"missing, but history/figures/ holds {len(versions)} published versions: restore it "
                        "from git (git checkout -- history/ledger.json); to start the history anew, delete "
                        "history/ whole",
                    )
                ]
            )
        return {"figures": {}}
    ledger: Ledger = history_json(path.read_text(encoding="utf-8"), LEDGER)
    if not isinstance(ledger, dict) or not isinstance(ledger.get("figures", {}), dict):
        raise BuildError([Problem(LEDGER, "expected an object with the figures' histories; restore it from git")])
    for history in ledger.get("figures", {}).values():
        for older in history[:-1]:
            older.pop("components", None)  # ledgers written before only the latest kept them
    for figure_id, history in ledger.get("figures", {}).items():
        if all("published" in e for e in history):
            continue
        migrated: list[Entry] = []
        for entry in history:
            entry = dict(entry)
            folder = root / VERSION_FOLDER.format(figure=figure_id, version=entry["version"])
            try:
                meta = history_json(
                    (folder / "meta.json").read_bytes(),
                    f"{VERSION_FOLDER.format(figure=figure_id, version=entry['version'])}/meta.json",
                )
                csv, svg, png = ((folder / n).read_bytes() for n in ("data.csv", "figure.svg", "figure.png"))
                entry["published"] = published_digest(csv, svg, png, meta)
            except FileNotFoundError as missing:
                raise BuildError(
                    [
                        Problem(
                            LEDGER,
                            f"figure '{figure_id}' version {entry['version']}: {missing.filename} is "
                            "missing from history/ (restore it from git)",
                        )
                    ]
                ) from None
            for old in ("columns", "rows_added", "rows_removed"):
                entry.pop(old, None)
            earlier = next((e for e in migrated if e["published"] == entry["published"] and not e.get("same_as")), None)
            previous = migrated[-1] if migrated else None
            if earlier is not None and not entry.get("restores"):
                entry["same_as"] = earlier["version"]
            entry["diff"], entry["summary"] = describe(root, figure_id, previous, entry, meta.get("primary_key", []))
            migrated.append(entry)
        ledger["figures"][figure_id] = migrated
    altered = altered_versions(root, ledger)
    if altered:
        raise BuildError(altered)
    return ledger


def altered_versions(root: Path, ledger: Ledger) -> list[Problem]:
    """The published versions whose files in history/ no longer give the digest the ledger
    recorded when they were published (a hand edit of a past version's data.csv, image or texts):
    their pages would be republished as they are now, under citations made of what they were.
    A missing file is reported where the version's files are read."""
    problems = []
    for figure_id, history in ledger.get("figures", {}).items():
        for entry in history:
            if entry.get("restores"):
                continue  # the folder of the version it brought back, checked at that version's entry
            folder = VERSION_FOLDER.format(figure=figure_id, version=entry["version"])
            try:
                meta = history_json((root / folder / "meta.json").read_bytes(), f"{folder}/meta.json")
                csv, svg, png = ((root / folder / n).read_bytes() for n in ("data.csv", "figure.svg", "figure.png"))
            except FileNotFoundError:
                continue
            if published_digest(csv, svg, png, meta) != entry.get("published"):
                problems.append(
                    Problem(
                        f"{folder}/",
                        f"version {entry['number']} of figure '{figure_id}' is not what it published (its "
                        "data.csv, figure.svg, figure.png or the texts of its meta.json were edited): a published "
                        f"version never changes, restore it with git checkout -- {folder}",
                    )
                )
    return problems


def describe(
    root: Path,
    figure_id: str,
    previous: Entry | None,
    entry: Entry,
    primary_key: tuple[str, ...] | list[str],
    csv: bytes | None = None,
    shown: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], str]:
    """The diff of a version against the one before it, and a one-line summary of it."""
    if previous is None:
        return {}, "first published version"
    if entry.get("same_as"):
        return {}, "identical to an earlier version: nothing a reader sees changed (engine code only)"
    folder = root / VERSION_FOLDER.format(figure=figure_id, version=previous["version"])
    new_folder = root / VERSION_FOLDER.format(figure=figure_id, version=entry["version"])
    old_csv = (folder / "data.csv").read_bytes() if (folder / "data.csv").is_file() else b""
    new_csv = csv if csv is not None else (new_folder / "data.csv").read_bytes()
    diff = compare(old_csv, new_csv, primary_key)
    record = {
        "added": len(diff.added),
        "removed": len(diff.removed),
        "changed": len(diff.changed),
        "cells": [list(c) for c in diff.cells()[:CELLS_KEPT]],
    }
    parts = [diff.summary()] if not diff.empty else []
    old_meta = (
        json.loads((folder / "meta.json").read_text(encoding="utf-8")) if (folder / "meta.json").is_file() else {}
    )
    new_meta = shown if shown is not None else json.loads((new_folder / "meta.json").read_text(encoding="utf-8"))
    parts += [f"{name} changed" for name, _, _ in text_changes(old_meta, new_meta)]
    if not parts:
        parts.append("the image changed; the data did not")
    if entry.get("restores"):
        parts.insert(0, f"back to version {entry['number']}")
    return record, "; ".join(parts)


def meta_bytes(meta: Mapping[str, Any]) -> bytes:
    return (json.dumps(meta, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def migrated_metas(
    ledger: Ledger,
    root: Path,
    site_cited: Mapping[str, Any],
    corpora_now: Mapping[str, list[dict[str, str]]],
    documents: Mapping[str, CitedDocument] | None = None,
    drawn: Mapping[str, DrawnResult] | None = None,
    digests: Mapping[str, str] | None = None,
) -> dict[str, bytes]:
    """The meta.json of each version published before versions froze what their citations name of
    the site (meta "cited"), recorded the corpus they study (meta "corpora"), froze their source
    documents' addresses (document_record) or their words in the other editions' languages (meta
    "translations"), with what it lacks filled in now: site_cited as data/site.yaml has it, so that
    from then on a change to the site's authors, title or licences reaches only versions published
    after it; the corpus of a figure that studies one the site has now (corpora_now: figure id ->
    corpora_of()), so that its page can say when the corpus is withdrawn; each source document's
    DOI, URL and keywords as documents has them now (a document withdrawn before is left as it
    was: nothing is known of it); the title_<language> fields of each source document and corpus
    the site still has under the title recorded (with_edition_titles), so that each edition names
    it in its own words once it is withdrawn; and the translations of the version's own words that the figure
    drawn now has (drawn: figure id -> its result; kept_translations), so that renaming the figure
    or withdrawing its source no longer turns the version's Chinese page and citations English
    (and, to translations frozen before versions kept their notes', the notes' where the same);
    and, for the current version (its outputs' result_digest in digests, by figure id), the
    tooltips of its marks in those languages (translated_tips), which its Chinese page showed in
    English once a newer version replaced it; and the site's licence line in Chinese
    (licence_zh) where the version froze the site's licence line of now.
    Each meta.json is read once."""
    documents, drawn, digests = documents or {}, drawn or {}, digests or {}
    documents_now = {doc_id: {"title": doc.title, **edition_titles(doc.meta)} for doc_id, doc in documents.items()}
    files: dict[str, bytes] = {}
    for figure_id, history in ledger.get("figures", {}).items():
        for entry in history:
            path = f"{VERSION_FOLDER.format(figure=figure_id, version=entry['version'])}/meta.json"
            if path in files or not (root / path).is_file():
                continue
            meta = history_json((root / path).read_bytes(), path)
            if not isinstance(meta, dict):
                continue
            lacking: dict[str, Any] = {}
            cited = meta.get("cited")
            if cited is None:
                lacking["cited"] = dict(site_cited)
            elif (
                isinstance(cited, dict)
                and "licence_zh" not in cited
                and site_cited.get("licence_zh")
                and cited.get("licence") == site_cited["licence"]
            ):  # frozen before licence lines had Chinese words: those of its line, where it is the site's
                lacking["cited"] = {**cited, "licence_zh": site_cited["licence_zh"]}
            if "corpora" not in meta and corpora_now.get(figure_id):  # else not drawn now, or no corpus
                lacking["corpora"] = corpora_now[figure_id]
            elif isinstance(meta.get("corpora"), list):
                named = with_edition_titles(meta["corpora"], {c["id"]: c for c in corpora_now.get(figure_id, [])})
                if named != meta["corpora"]:
                    lacking["corpora"] = named
            cited_documents = meta.get("documents") or []
            filled = with_edition_titles(
                [
                    {**d, **document_addresses(documents[d["id"]])}
                    if "keywords" not in d and d.get("id") in documents
                    else d
                    for d in cited_documents
                ],
                documents_now,
            )
            if filled != cited_documents:
                lacking["documents"] = filled
            words_recorded = figure_id in drawn and {"title", "caption", "alt"} <= meta.keys()
            if "translations" not in meta and words_recorded:
                lacking["translations"] = kept_translations(meta, drawn[figure_id])
            elif isinstance(meta.get("translations"), dict) and words_recorded:
                # frozen before versions kept their notes' translations: those of the same notes
                frozen = meta["translations"]
                kept = kept_translations(meta, drawn[figure_id])
                notes = {
                    language: {**words, "notes": kept[language]["notes"]}
                    for language, words in frozen.items()
                    if isinstance(words, dict) and "notes" not in words and "notes" in kept.get(language, {})
                }
                if notes:
                    lacking["translations"] = {**frozen, **notes}
            if (
                "tips" not in meta
                and figure_id in drawn
                and entry is history[-1]
                and entry.get("published") == digests.get(figure_id)
            ):  # the current version: the tooltips drawn now are its own (recorded where it has any)
                tips = translated_tips(drawn[figure_id])
                if tips:
                    lacking["tips"] = tips
            if lacking:
                files[path] = meta_bytes({**meta, **lacking})
    return files


def with_edition_titles(records: list[Any], now: Mapping[str, Mapping[str, str]]) -> list[Any]:
    """Records of a version's sources (documents, corpora) with the title_<language> fields they
    lack, from the sources the site has now (now: id -> title and title_<language> fields), where
    a source's title is the one recorded: its translations are of the same words."""
    return [
        {**{k: v for k, v in now[r["id"]].items() if k.startswith("title_")}, **r}
        if isinstance(r, dict) and r.get("id") in now and now[r["id"]].get("title") == r.get("title")
        else r
        for r in records
    ]


def record(
    ledger: Ledger,
    root: Path,
    results: Iterable[DrawnResult],
    edition: str,
    documents: Mapping[str, CitedDocument],
    site_cited: Mapping[str, Any],
    corpora: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[Ledger, list[Change], dict[str, bytes]]:
    """The ledger with a new entry for every figure whose published outputs changed, the
    changes, and the files of each new version to keep in history/ (path -> bytes), with the
    meta.json of older versions that did not yet freeze site_cited or record their corpus
    (migrated_metas; corpora: each corpus's titles by id). Pure: nothing is written here."""
    results = list(results)
    digests = {r.figure.id: result_digest(r) for r in results}  # what a reader sees of each, hashed once
    figures = {fid: list(versions) for fid, versions in ledger.get("figures", {}).items()}
    changes: list[Change] = []
    files = migrated_metas(
        ledger,
        root,
        site_cited,
        {r.figure.id: corpora_of(r, corpora or {}) for r in results},
        documents,
        {r.figure.id: r for r in results},
        digests,
    )
    for result in results:
        fid, digest = result.figure.id, digests[result.figure.id]
        history = figures.setdefault(fid, [])
        latest = history[-1] if history else None
        if latest and latest["published"] == digest:
            # redrawn, perhaps, but nothing a reader sees changed; a version published before
            # figures had a PDF gets the one drawn from its very outputs, once
            folder = VERSION_FOLDER.format(figure=fid, version=latest["version"])
            if (root / folder / "meta.json").is_file() and not (root / folder / PDF_FILE).is_file():
                files[f"{folder}/{PDF_FILE}"] = result.pdf
            continue
        # Outputs back to those of an earlier version: it is current again, under its own number
        # and permanent page, and the ledger records the return.
        earlier = next(
            (e for e in history if e["published"] == digest and not e.get("same_as") and not e.get("restores")), None
        )
        version = earlier["version"] if earlier else version_of(result.key)
        if earlier is None and any(e["version"] == version for e in history):
            raise BuildError(
                [
                    Problem(
                        result.figure.analysis,
                        f"figure '{fid}' drew different outputs from the same inputs "
                        f"as version {version}: its analysis is not deterministic",
                    )
                ]
            )
        number = earlier["number"] if earlier else max((e["number"] for e in history), default=0) + 1
        entry: Entry = {
            "version": version,
            "number": number,
            "edition": edition,
            "published": digest,
            "previous": latest["version"] if latest else None,
            "components": result.components,
        }
        if earlier:
            entry["restores"] = True
        if latest:
            before = latest.get("components", {})
            names = sorted(set(before) | set(result.components))
            entry["changed"] = [n for n in names if before.get(n) != result.components.get(n)]
        else:
            entry["changed"] = []
        meta = version_meta(result, number, edition, documents, site_cited, corpora)
        entry["diff"], entry["summary"] = describe(
            root, fid, latest, entry, list(result.figure.primary_key), result.csv, meta
        )
        if latest:
            history[-1] = {k: v for k, v in latest.items() if k != "components"}
        history.append(entry)
        changes.append(Change(fid, version, entry["previous"], tuple(entry["changed"]), entry["summary"]))
        if earlier:
            continue  # its files are in history/ already, and stay as they are
        folder = VERSION_FOLDER.format(figure=fid, version=version)
        files.update(
            {
                f"{folder}/data.csv": result.csv,
                f"{folder}/figure.svg": result.svg,
                f"{folder}/figure.png": result.png,
                f"{folder}/{PDF_FILE}": result.pdf,
                code_path(result): result.source.encode("utf-8"),
                f"{folder}/meta.json": meta_bytes(meta),
            }
        )
    return {"figures": dict(sorted(figures.items()))}, changes, files


def canonical(history: list[Entry]) -> dict[str, Entry]:
    """Each version id -> the entry of the earliest version with the same published outputs."""
    first: dict[str, Entry] = {}
    found = {}
    for entry in history:
        first.setdefault(entry["published"], entry)
        found[entry["version"]] = first[entry["published"]]
    return found


def distinct_versions(history: list[Entry]) -> list[Entry]:
    """The versions a reader can tell apart, in order of publication (no duplicates, no returns)."""
    return [e for e in history if not e.get("same_as") and not e.get("restores")]


def save(root: Path, ledger: Ledger, files: dict[str, bytes]) -> None:
    """Version data first, the ledger last: a kill in between leaves a ledger that is merely behind."""
    for relative_path, content in sorted(files.items()):
        write_atomic(root / relative_path, content)
    write_atomic(
        root / LEDGER, (json.dumps(ledger, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    )
