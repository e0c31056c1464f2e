"""Corpora of policy texts: a folder with metadata.csv and the texts it names (data/corpora.yaml).

Texts may be UTF-8, UTF-8 with a BOM, or GB18030/GBK (common in government files); bytes that
decode as neither give an error naming the file and the byte offset.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .errors import BuildError, Problem, relative
from .fingerprint import CORPORA_CONFIG
from .project import Project
from .documents import read_bytes_limited
from .tables import Column, read_table

CONFIG = CORPORA_CONFIG
LEVELS = ("central", "local")
REGIONS = ("east", "central", "west")
TIERS = ("central", "provincial", "municipal")
METADATA_COLUMNS = [
    Column("id", "slug"), Column("title"), Column("date", "partial-date", required=False), Column("level", allowed=LEVELS),
    Column("province", required=False), Column("region", required=False, allowed=REGIONS),
    Column("issuer_tier", allowed=TIERS), Column("file"),
]
SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|\n+")
MARKUP = re.compile(r"<!--.*?-->|^#+\s*", re.S | re.M)  # Markdown headings and comments in the files


@dataclass(frozen=True)
class CorpusText:
    id: str
    title: str
    date: str
    level: str
    province: str
    region: str
    issuer_tier: str
    file: str  # relative to the corpus folder
    text: str

    @cached_property
    def sentences(self) -> list[str]:
        return split_sentences(self.text)


@dataclass(frozen=True)
class Corpus:
    id: str
    title: str
    folder: Path
    label: str  # the folder as the maintainer wrote it
    texts: tuple[CorpusText, ...]

    @property
    def files(self) -> list[str]:
        """metadata.csv and every text, as paths the build can hash."""
        return [f"{self.label}/metadata.csv"] + [f"{self.label}/{t.file}" for t in self.texts]


def split_sentences(text: str) -> list[str]:
    """Sentences end at 。！？； (and their ASCII forms) or a line break; blank ones are dropped."""
    return [s.strip() for s in SENTENCE_END.split(MARKUP.sub("", text)) if s and s.strip()]


def decode_text(data: bytes, label: str) -> str:
    """UTF-8 (BOM optional), else GB18030 for a file with no valid UTF-8 multi-byte text before
    the first bad byte; otherwise an error naming the byte offset."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        prefix = data[: utf8_error.start]
        if any(b >= 0x80 for b in prefix):  # UTF-8 Chinese before the bad byte: a damaged UTF-8 file
            raise BuildError([Problem(label, f"invalid UTF-8 at byte offset {utf8_error.start} "
                                             f"(byte 0x{data[utf8_error.start]:02x}); the rest of the file is UTF-8")]) from None
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as gb_error:
            raise BuildError([Problem(label, f"neither UTF-8 nor GB18030: undecodable byte 0x{data[gb_error.start]:02x} "
                                             f"at byte offset {gb_error.start}")]) from None


def load_corpus(project: Project, entry) -> Corpus:
    label = entry.path
    folder = (project.root / label).resolve()
    metadata_label = f"{label}/metadata.csv"
    if not (folder / "metadata.csv").is_file():
        raise BuildError([Problem(metadata_label, "not found (a corpus folder holds metadata.csv and the texts)")])
    problems = []
    rows = read_table(folder / "metadata.csv", metadata_label, METADATA_COLUMNS, unique=["id"], problems_out=problems)
    texts = []
    for _, row in rows.iterrows():
        line = int(row["line"])
        if row["has_problem"]:
            continue
        path = (folder / row["file"]).resolve()
        if not path.is_relative_to(folder):
            problems.append(Problem(metadata_label, f"file '{row['file']}' points outside the corpus folder", line=line, column="file"))
            continue
        if not path.is_file():
            problems.append(Problem(metadata_label, f"text file '{row['file']}' does not exist", line=line, column="file"))
            continue
        try:
            text = decode_text(read_bytes_limited(path, f"{label}/{row['file']}"), f"{label}/{row['file']}")
        except BuildError as exc:
            problems += exc.problems
            continue
        if not text.strip():
            problems.append(Problem(f"{label}/{row['file']}", "the text is empty", line=None))
            continue
        texts.append(CorpusText(row["id"], row["title"], row["date"], row["level"], row["province"], row["region"],
                                row["issuer_tier"], row["file"], text))
    listed = {(folder / t.file).resolve() for t in texts} | {(folder / r).resolve() for r in rows["file"]}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".md", ".txt") and path.name != "README.md" and path.resolve() not in listed:
            problems.append(Problem(f"{label}/{path.relative_to(folder).as_posix()}", "text file has no row in metadata.csv"))
    if problems:
        raise BuildError(problems)
    return Corpus(entry.id, entry.title or entry.id, folder, label, tuple(sorted(texts, key=lambda t: t.id)))


def load_corpora(project: Project) -> dict[str, Corpus]:
    """Every corpus named in data/corpora.yaml (validated against schemas.CorporaConfig)."""
    from .schemas import CorporaConfig, validate

    config = project.root / CONFIG
    if not config.is_file():
        return {}
    corpora, problems = {}, []
    for entry in validate(CorporaConfig, config, CONFIG).corpora:
        try:
            corpora[entry.id] = load_corpus(project, entry)
        except BuildError as exc:
            problems += exc.problems
    if problems:
        raise BuildError(problems)
    return corpora
