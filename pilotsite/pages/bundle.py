"""The deposit bundle of a figure's current version: a zip a data repository takes as it is, and
that reproduces the version on its own. The figure's page offers it (figures/<id>/deposit.zip),
not the version's page, which never changes once published: deposit the bundle while the version
is current, and record the DOI the repository gives it in data/dois.yaml.

Unpacked in an empty folder, its README's two commands (`pip install -r requirements.txt`,
`python reproduce.py`) rebuild figure.svg, figure.png, figure.pdf, its print PNG and data.csv
(REPRODUCED) and compare them byte for byte with the published ones it carries. So it holds what
computing the figure reads: the engine (pilotsite/, whole: an analysis may use any of it), the
figure's analysis module alone, the project's data/ without what the figure does not read: other
documents and their tables, and corpora it does not study (a corpus it studies is copied from
the figure's declared inputs, and data/corpora.yaml names only that corpus) — so a data edit
changes only the bundles of the figures that read it — the locked libraries that drawing needs
(requirements.txt, generated from bundle_requirements.in, pinned like the project's own lock),
and the version's published files and citations.

Only a figure's current version has one: an older version's inputs are not kept. The zip's bytes
depend only on what is in it (fixed dates and modes, sorted names), and it is cached by the
digest of that content, so a rebuild that changed nothing about the figure re-zips nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

import yaml

from pilotsite.inputs.corpus import CORPORA_HOME  # where corpora live; a studied one is added from the inputs
from pilotsite.inputs.dois import DOIS
from pilotsite.state.fingerprint import CORPORA_CONFIG, sha256_file, walk_files, write_atomic
from pilotsite.state.ledger import PDF_FILE, PRINT_PNG

# what a bundle carries of its version's published files, and reproduce.py rebuilds and compares
REPRODUCED = ("figure.svg", "figure.png", PDF_FILE, PRINT_PNG, "data.csv")

if TYPE_CHECKING:
    from pilotsite.figures.outputs import FigureResult
    from pilotsite.inputs.corpus import Corpus
    from pilotsite.pages.citation import Citation, CitedFigure
    from pilotsite.pages.model import SiteModel

BUNDLE_FILE = "deposit.zip"
BUNDLE_FORMAT = "deposit bundle 4"  # in the cache key: change it when the layout changes
LOCK = Path(__file__).with_name("bundle_requirements.txt")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can record: no clock in the bytes
SKIPPED = ("__pycache__",)


class PublishedVersion(Protocol):
    """What a bundle reads of a published version: citable.Published, which this module cannot
    import (citable imports it)."""

    @property
    def figure_id(self) -> str: ...

    @property
    def entry(self) -> dict[str, Any]: ...  # its ledger entry

    @property
    def files(self) -> Mapping[str, bytes | Path]: ...  # its published files, by name

    def read(self, name: str) -> bytes: ...


def engine_files(package: Path) -> dict[str, Path]:
    """pilotsite/'s files (code and what the code reads, such as the Lua filter), by bundle path."""
    return {
        f"pilotsite/{p.relative_to(package).as_posix()}": p
        for p in sorted(package.rglob("*"))
        if p.is_file() and not any(part in SKIPPED for part in p.parts) and p.suffix != ".pyc"
    }


DOCUMENT_FOLDERS = (
    "data/documents",
    "data/reported",
)  # a document's own files: data/documents/<id>/…, data/reported/<id>/…
TIMELINES = "data/timelines/"


def documents_read(root: Path, documents: tuple[str, ...], inputs: tuple[str, ...]) -> set[str]:
    """The documents a figure's bundle must carry for its project to load: those it names, those
    whose files it reads, and every document its timeline tables quote (the loader checks each
    quote against its document)."""
    read = set(documents)
    for path in inputs:
        parts = PurePosixPath(path).parts
        if len(parts) > 2 and "/".join(parts[:2]) in DOCUMENT_FOLDERS:
            read.add(parts[2])
        elif path.startswith(TIMELINES) and (root / path).is_file():
            with open(root / path, encoding="utf-8", newline="") as handle:
                read.update(row.get("document_id") or "" for row in csv.DictReader(handle))
    return read - {""}


def data_files(
    root: Path, corpora: Mapping[str, Corpus], inputs: tuple[str, ...], documents: tuple[str, ...] = ()
) -> tuple[dict[str, Path], bytes | None]:
    """The project's data/ files for the bundle, and data/corpora.yaml as the bundle has it (None:
    no corpus). What every figure's loading reads (settings, interface texts, lexicon, codebook,
    trends) is carried whole, but not data/dois.yaml: no output depends on it, the bundle's
    citation/ files already name the version's DOI, and the bundle has no ledger to check a DOI
    against (recording one had made every bundle's reproduce.py fail); of the documents, their
    reported tables and the timeline tables, only what the figure reads (documents_read, and the
    reported and timeline tables among its inputs), so an edit to another document's data leaves the
    bundle as it was. corpora: id -> Corpus of the project; only those among inputs are kept, each
    text copied from the figure's declared inputs (a corpus outside the project moves under
    data/corpora/<id>/)."""
    # a corpus's folder is not walked (a corpus under data/ holds thousands of files), nor
    # data/corpora/, where a folder data/corpora.yaml no longer names may be left
    corpus_folders = {c.label.rstrip("/") for c in corpora.values()} | {CORPORA_HOME.rstrip("/")}
    wanted_documents = documents_read(root, documents, inputs)
    declared = set(inputs)
    chosen: dict[str, Path] = {}
    for relative, listed in walk_files(str(root / "data"), skip={f.removeprefix("data/") for f in corpus_folders}):
        bundled, path = f"data/{relative}", Path(listed)
        if bundled in (CORPORA_CONFIG, DOIS) or not path.is_file():  # a broken link is no file to carry
            continue
        parts = PurePosixPath(bundled).parts
        if bundled.startswith(TIMELINES) or bundled.startswith("data/reported/"):
            if bundled not in declared:
                continue
        elif bundled.startswith("data/documents/") and len(parts) > 3 and parts[2] not in wanted_documents:
            continue
        chosen[bundled] = path
    used = [c for c in corpora.values() if any(p.startswith(c.prefix) for p in inputs)]
    if not used:
        return chosen, None
    config = yaml.safe_load((root / CORPORA_CONFIG).read_text(encoding="utf-8"))
    entries = []
    for corpus in used:
        for input_path in inputs:
            found = corpus.locate(input_path)
            if found is not None:
                chosen[input_path] = found
        entry = next(e for e in config["corpora"] if e["id"] == corpus.id)
        entries.append({**entry, "path": corpus.home})
    written = yaml.safe_dump({"corpora": entries}, allow_unicode=True, sort_keys=False)
    return chosen, written.encode("utf-8")


def reproduce_script(figure_id: str) -> bytes:
    return f'''"""Rebuild figure '{figure_id}' from the files in this folder and compare it with the
published version (published/). See README.md.

    pip install -r requirements.txt
    python reproduce.py
"""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from pilotsite.pipeline import reproduce_figure  # noqa: E402

if __name__ == "__main__":
    sys.exit(reproduce_figure(HERE, "{figure_id}"))
'''.encode()


# What Markdown could read as markup in a text of the data (a title, an author): backslash-escaped,
# as CommonMark allows before any ASCII punctuation, so a repository shows the text as it is
MARKDOWN_MARKUP = re.compile(r"([\\`*_\[\]<>&~|])")


def markdown_text(text: str) -> str:
    return MARKDOWN_MARKUP.sub(r"\\\1", " ".join(text.split()))


def readme(
    figure_id: str,
    number: int,
    title: str,
    url: str,
    citation: str,
    licence: str,
    folder: str,
    published: tuple[str, ...] = REPRODUCED,
) -> bytes:
    """The bundle's README.md; licence is Markdown already (each licence's URL an autolink);
    published: the version's files the bundle carries and reproduce.py compares."""
    named = ", ".join(f"`{name}`" for name in published[1:-1]) + f" and `{published[-1]}`"
    return f"""# {markdown_text(title)}

Figure `{figure_id}`, version {number}: <{url}>

Cite as: {markdown_text(citation)}

This folder reproduces the version on its own. With Python 3.11:

```
pip install -r requirements.txt
python reproduce.py
```

`reproduce.py` computes the figure's data from `data/` with the analysis in `analyses/` and the
engine in `pilotsite/`, draws it, writes `reproduced/{published[0]}`, {named},
and compares each with the published file in `published/`: it prints one line per file and exits
with status 0 only when all {len(published)} are identical byte for byte. `requirements.txt` pins every
library (with hashes) that computing and drawing use; the font (Noto Sans CJK SC) comes with
`mplfonts`. `citation/` holds the version's citation files.

Licence: {licence}. Folder in the zip: `{folder}/`.
""".encode()


# deflate level 1: half the time of level 6 for 8 % more bytes (a corpus's texts are most of them)
ZIP_LEVEL = 1


class SourceFile(NamedTuple):
    """A file a bundle carries as it is, with its SHA-256."""

    path: Path
    digest: str


# A build makes many bundles of the same files: every bundle carries the engine, and every figure
# of a corpus carries the whole corpus (ten figures of the full corpus, 40 MB of text each). So
# each file is hashed and deflated once per process, and each bundle copies the deflated bytes.
_DIGESTS: dict[tuple[str, int, int], str] = {}  # (path, mtime_ns, size) -> SHA-256


def file_digest(path: Path) -> str:
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _DIGESTS:
        _DIGESTS[key] = sha256_file(path)
    return _DIGESTS[key]


class DeflatedFiles:
    """Files' raw deflate streams as zipfile makes them at ZIP_LEVEL, with CRC-32 and size, kept
    by the files' SHA-256 up to `budget` bytes: the full corpus takes 16 MB; of a corpus ten times
    that, what is over is deflated again for each bundle rather than held (issue 11's memory
    bound), as is what a long-running `serve` adds."""

    def __init__(self, budget: int = 128 << 20) -> None:
        self.kept: dict[str, tuple[bytes, int, int]] = {}
        self.size, self.budget = 0, budget

    def get(self, source: SourceFile) -> tuple[bytes, int, int]:
        found = self.kept.get(source.digest)
        if found is None:
            data = source.path.read_bytes()
            compressor = zlib.compressobj(ZIP_LEVEL, zlib.DEFLATED, -15)  # zipfile's own settings
            found = (compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data))
            if self.size + len(found[0]) <= self.budget:
                self.kept[source.digest] = found
                self.size += len(found[0])
        return found


_DEFLATED = DeflatedFiles()


def write_deflated(archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: SourceFile) -> None:
    """The member ZipFile.writestr(info, <the file's bytes>) writes, from the file's deflated
    bytes (zipfile cannot take a member compressed before: its own header and bookkeeping are
    used around them; tests/test_bundle.py holds both routes to the same bytes)."""
    raw, crc, size = _DEFLATED.get(source)
    if size * 1.05 > zipfile.ZIP64_LIMIT:  # writestr would write ZIP64 headers
        archive.writestr(info, source.path.read_bytes())
        return
    info.file_size, info.compress_size, info.CRC, info.flag_bits = size, len(raw), crc, 0
    assert archive.fp is not None  # the archive is open for writing
    archive.fp.seek(archive.start_dir)
    info.header_offset = archive.fp.tell()
    archive._writecheck(info)  # type: ignore[attr-defined]  # zipfile's own check of a new member
    archive._didModify = True  # type: ignore[attr-defined]  # so close() writes the central directory
    archive.fp.write(info.FileHeader(False))
    archive.fp.write(raw)
    archive.start_dir = archive.fp.tell()
    archive.filelist.append(info)
    archive.NameToInfo[info.filename] = info


def zipped(files: Mapping[str, bytes | SourceFile]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            content = files[name]
            if isinstance(content, SourceFile):
                write_deflated(archive, info, content)
            else:
                archive.writestr(info, content, compresslevel=ZIP_LEVEL)
    return out.getvalue()


def deposit_bundle(
    *,
    root: Path,
    corpora: Mapping[str, Corpus],
    result: FigureResult,
    entry: dict[str, Any],
    title: str,
    url: str,
    citation: str,
    licence: str,
    extra: dict[str, bytes],
    cache_dir: Path | None,
    printable: bool = True,
) -> bytes | Path:
    """The zip for the current version of result's figure (outputs.FigureResult): entry is its
    ledger entry; extra: citation files by name, put under citation/; printable: whether the
    version publishes the figure's PDF (and its print PNG): versions published before figures had
    one do not, and neither do their bundles. With a cache, the cached
    zip's path (the page links it into the site, and a page's source key then pickles a name that
    says its content rather than the bytes: a figure of the full corpus has a 16 MB bundle)."""
    figure = result.figure
    folder = f"{figure.id}-v{entry['number']}"
    sources = {**engine_files(Path(__file__).resolve().parents[1]), figure.analysis: root / figure.analysis}
    data, corpora_config = data_files(root, corpora, figure.inputs, figure.documents)
    sources.update(data)
    drawn = {"figure.svg": result.svg, "figure.png": result.png, "data.csv": result.csv}
    if printable:
        drawn |= {PDF_FILE: result.pdf, PRINT_PNG: result.print_png}
    published = tuple(name for name in REPRODUCED if name in drawn)
    made = {
        "README.md": readme(figure.id, entry["number"], title, url, citation, licence, folder, published),
        "reproduce.py": reproduce_script(figure.id),
        "requirements.txt": LOCK.read_bytes(),
        **{f"published/{name}": drawn[name] for name in published},
        **{f"citation/{name}": content for name, content in extra.items()},
    }
    if corpora_config is not None:
        made[CORPORA_CONFIG] = corpora_config
    digests = {name: file_digest(path) for name, path in sources.items()}
    digests.update({name: hashlib.sha256(content).hexdigest() for name, content in made.items()})
    key = hashlib.sha256(json.dumps([BUNDLE_FORMAT, folder, digests], sort_keys=True).encode("utf-8")).hexdigest()
    cached = cache_dir / f"{key}.zip" if cache_dir is not None else None
    if cached is not None and cached.is_file():
        return cached
    files: dict[str, bytes | SourceFile] = {
        f"{folder}/{name}": SourceFile(path, digests[name]) for name, path in sources.items()
    }
    files.update({f"{folder}/{name}": content for name, content in made.items()})
    bundle = zipped(files)
    if cached is None:
        return bundle
    write_atomic(cached, bundle)
    return cached


def bundle_files(
    model: SiteModel, item: PublishedVersion, cited: CitedFigure, citation: Citation, extra: dict[str, bytes]
) -> tuple[tuple[str, bytes | Path], ...]:
    """(deposit.zip, its bytes or cached file) when item (citable.Published) is what its figure draws now; else ()."""
    current = model.results.get(item.figure_id)
    if (
        current is None
        or current.csv != item.read("data.csv")
        or current.svg != item.read("figure.svg")
        or current.png != item.read("figure.png")
    ):
        return ()
    cache = model.catalog.cache_dir / "bundles" if model.catalog is not None and model.catalog.cache_dir else None
    return (
        (
            BUNDLE_FILE,
            deposit_bundle(
                root=model.project.root,
                corpora=dict(model.catalog.corpora) if model.catalog is not None else {},
                result=current,
                entry=item.entry,
                title=cited.title,
                url=cited.url,
                citation=citation.apa,
                # each licence beside its own URL: "…; code MIT (<CC BY's URL>)" read as MIT's
                licence="; ".join(
                    f"{markdown_text(licence.spdx)} for the {markdown_text(licence.covers)} <{licence.url}>"
                    for licence in cited.licences
                ),
                extra=extra,
                cache_dir=cache,
                printable=PDF_FILE in item.files and current.pdf == item.read(PDF_FILE),
            ),
        ),
    )
