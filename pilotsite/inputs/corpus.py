"""Corpora of policy texts: a folder with metadata.csv and the texts it names (data/corpora.yaml).

A corpus may have any metadata columns besides `id`, `title` and `file` (and an optional
`date`); what its studies compare is declared per corpus in data/corpora.yaml as groupings
(a metadata column, optionally the values in order and a filter), defaulting to level, region
of local texts and issuer tier where those columns exist. `year` is a column of its own, read
from `date` where metadata.csv has no `year` column.

Texts are not held in memory: a CorpusText carries its metadata and the SHA-256 of its file,
which is what every per-text cache is keyed by, and read_text() reads it when needed. Texts may
be UTF-8, UTF-8 with a BOM, or GB18030/GBK (common in government files); bytes that decode as
neither give an error naming the file, the line and the byte offset. A text is decoded at load time only
when its bytes are new: the files that decoded cleanly before are remembered by digest.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from pilotsite.errors import BuildError, Problem
from pilotsite.inputs.interface import LANGUAGES, Interface, Text, Translated, translations
from pilotsite.inputs.project import Project
from pilotsite.inputs.reading import first_rare_character, rare_characters, read_bytes_limited
from pilotsite.inputs.tables import Column, read_table
from pilotsite.state.fingerprint import CORPORA_CONFIG, sha256_file, write_atomic

if TYPE_CHECKING:
    from pilotsite.inputs.schemas import CorpusEntry, KeyPath

CONFIG = CORPORA_CONFIG
CORPORA_HOME = "data/corpora/"  # where corpora live by convention, and where one outside is published
YEAR = "year"  # a grouping column derived from `date`
# the text lists are narrowed by these columns too, besides the groupings, where the metadata has them
LIST_COLUMNS = ("province", YEAR)
METADATA_COLUMNS = [
    Column("id", "slug"),
    Column("title"),
    Column("date", "partial-date", required=False, optional=True),
    Column("file"),
]
Pairs = tuple[tuple[str, str], ...]
# A grouping before its groups are found: (id, column, label, values in order, filter, labels in
# other languages, its line in data/corpora.yaml: None for a default grouping, the catalogues' key
# for its name: Grouping.catalogue_key)
DeclaredGrouping = tuple[str, str, str, tuple[str, ...], Pairs, Pairs, int | None, str]
# What the studies compare when data/corpora.yaml does not say: each applies only where the
# metadata has its columns. (id, column, label, values in order, filter)
DEFAULT_GROUPINGS: tuple[tuple[str, str, str, tuple[str, ...], Pairs], ...] = (
    ("level", "level", "level of government", ("central", "local"), ()),
    ("region", "region", "region (local texts)", ("east", "central", "west"), (("level", "local"),)),
    ("tier", "issuer_tier", "issuer tier", ("central", "provincial", "municipal"), ()),
)
DEFAULT_KEYS = {(grouping_id, column, values, where) for grouping_id, column, _, values, where in DEFAULT_GROUPINGS}
DEFAULT_COMPARISON = ("level", ("central", "local"))
SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|\n+")
MAX_ID_BYTES = 100  # a column id longer than this (a long Chinese column) needs an id of its own
WORD_ID = re.compile(r"[^\W_]+(?:-[^\W_]+)*")  # letters of any script, digits and single hyphens: 发文机关
# Markdown's heading marks, comments and thematic breaks (---, * * *, ___) in the files: no sentence
MARKUP = re.compile(r"<!--.*?-->|^#+\s*|^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$", re.S | re.M)
DECODING_FORMAT = "decode-v6"  # change when decode_text() or check_text() changes: the texts are checked again


@dataclass(frozen=True)
class CorpusText:
    id: str
    title: str
    date: str
    file: str  # relative to the corpus folder
    digest: str  # SHA-256 of the file's bytes: the key of every per-text cache
    size: int  # the file's size in bytes
    values: Mapping[str, str] = field(hash=False, compare=True)  # every metadata column, as written

    def value(self, column: str) -> str:
        """The text's value in a metadata column ('' when empty); `year` comes from the date
        unless metadata.csv has a column of that name."""
        if column == YEAR and YEAR not in self.values:
            return self.date[:4]
        return self.values.get(column, "")


@dataclass(frozen=True)
class Grouping:
    """Texts grouped by the values of one metadata column, for the figures that compare groups."""

    id: str  # the figure id suffix, e.g. keywords-by-<id>
    column: str
    label: str
    values: tuple[str, ...]  # groups in order: the declared ones, then the others found, sorted
    where: tuple[tuple[str, str], ...]  # only texts with these values are grouped
    members: Mapping[str, tuple[str, ...]] = field(hash=False)  # value -> text ids, in id order
    ungrouped: int = 0  # texts left out: outside `where`, or no value in the column
    kept: int = 0  # texts `where` keeps (every text, where it has none), with a value or not
    # The catalogues' key for its name in each language: corpus.grouping.<id> for one of
    # DEFAULT_GROUPINGS (declared as it is too), corpus.column.<column> for one declared without
    # a label on a column they name; "" for one with a label.
    catalogue_key: str = ""
    labels: tuple[tuple[str, str], ...] = ()  # (language, label) for the other editions, where corpora.yaml gives one

    @property
    def name(self) -> Text | Translated | str:
        """The grouping's name as pages and figure titles show it: from the catalogues
        (catalogue_key), else its label (and label_zh) from data/corpora.yaml, else its column."""
        if self.catalogue_key:
            return Text(self.catalogue_key)
        return Translated(((LANGUAGES[0], self.label), *self.labels)) if self.labels else self.label

    @property
    def labelled(self) -> bool:
        """Whether data/corpora.yaml names it (label; or, without one, where the catalogues do not
        name its column: by the column as written): then pages name its column so too."""
        return not self.catalogue_key

    @property
    def filled(self) -> tuple[str, ...]:
        """The groups that hold at least one text."""
        return tuple(v for v in self.values if self.members[v])

    @property
    def empty(self) -> tuple[str, ...]:
        return tuple(v for v in self.values if not self.members[v])

    def group_label(self, value: str, named: Callable[[str, str], str] = lambda column, value: value) -> str:
        """A group's name where groups of several groupings stand together ('local · east'); named
        gives each value's name by its column (as written, unless given)."""
        return " · ".join(named(column, v) for column, v in [*self.where, (self.column, value)])


@dataclass(frozen=True)
class Comparison:
    """Two groups of texts compared word by word (keyness)."""

    column: str
    a: str
    b: str
    members_a: tuple[str, ...] = field(hash=False)
    members_b: tuple[str, ...] = field(hash=False)
    named: str = ""  # the figure id after keyness-: <a>-<b>, or by-<column> where a value is no slug


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per corpus and build
class Corpus:
    id: str
    title: str
    folder: Path
    label: str  # the folder as the maintainer wrote it
    columns: tuple[str, ...]  # metadata.csv's header
    texts: tuple[CorpusText, ...]  # in id order
    groupings: tuple[Grouping, ...]
    comparison: Comparison | None
    notes: tuple[Text, ...]  # what cannot be compared in this corpus, and why (corpus.note.*)
    search_characters: int = 300
    list_page_size: int = 200  # texts per page of its lists
    titles: tuple[tuple[str, str], ...] = ()  # (language, title) for the other editions, where corpora.yaml gives one

    @property
    def name(self) -> Translated:
        """The title in each edition's language, for a figure title or caption that names the corpus."""
        return Translated(((LANGUAGES[0], self.title), *self.titles))

    def in_language(self, language: str) -> Corpus:
        """The corpus as the edition of the language names it."""
        return replace(self, title=self.name.of(language))

    @cached_property
    def outside(self) -> bool:
        """Whether the folder lies outside the project (data/corpora.yaml names it by an absolute
        path or one through ..)."""
        return outside(self.label)

    @cached_property
    def home(self) -> str:
        """The folder as the site names it: as written for a corpus inside the project; for one
        outside, data/corpora/<id> (where its deposit bundles put it), so that no local path is
        published and the same corpus gives the same site and figures wherever it lies."""
        return f"{CORPORA_HOME}{self.id}" if self.outside else self.label

    @cached_property  # a frozen dataclass keeps it in its __dict__: asked for every input name, by locate
    def prefix(self) -> str:
        """How every input name of this corpus begins: home and a slash."""
        return f"{self.home}/"

    @property
    def files(self) -> list[str]:
        """metadata.csv and every text, as the figures' inputs name them (under home)."""
        return [f"{self.prefix}metadata.csv"] + [f"{self.prefix}{t.file}" for t in self.texts]

    def locate(self, name: str) -> Path | None:
        """The file an input name of this corpus (one of files) stands for; None for another name."""
        return self.folder / name.removeprefix(self.prefix) if name.startswith(self.prefix) else None

    def read_text(self, text: CorpusText) -> str:
        return decode_text((self.folder / text.file).read_bytes(), f"{self.label}/{text.file}")

    def column_label(self, column: str) -> Text | Translated | str | None:
        """The name data/corpora.yaml gives a column: the label of the first grouping of every text
        by it (None where that has none, or there is none). A grouping with `where` names a part
        of the texts ("issuing body of provincial texts"), not the column of every text."""
        first = next((g for g in self.groupings if g.column == column and not g.where), None)
        return first.name if first is not None and first.labelled else None

    def grouping(self, grouping_id: str) -> Grouping:
        return next(g for g in self.groupings if g.id == grouping_id)

    @property
    def dated(self) -> int:
        return sum(1 for t in self.texts if t.date)


def outside(label: str) -> bool:
    """Whether a corpus folder, as data/corpora.yaml names it, lies outside the project."""
    path = PurePosixPath(label)
    return path.is_absolute() or ".." in path.parts


# Characters that show nothing and are no whitespace to str.strip(): a line of them alone (a
# zero-width space left by a web page's editor) is no sentence.
INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
# what str.isspace() calls whitespace, and INVISIBLE: strip() with them stops at the first other
# character, where translating a whole text first cost 4 s a build on the full corpus
BLANK = "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
BLANK += "\u2028\u2029\u202f\u205f\u3000" + INVISIBLE


def is_blank(text: str) -> bool:
    """Whether text shows nothing: whitespace and INVISIBLE characters only."""
    return not text.strip(BLANK)


def split_sentences(text: str) -> list[str]:
    """Sentences end at 。！？； (and their ASCII forms) or a line break; blank ones are dropped."""
    return [s.strip() for s in SENTENCE_END.split(MARKUP.sub("", text)) if s and not is_blank(s)]


def decode_text(data: bytes, label: str) -> str:
    """UTF-8 (BOM optional), else GB18030 where that reads as Chinese text; otherwise a clear error.

    GB18030 decodes nearly any bytes, so a Big5, Shift-JIS or Latin-1 file "decodes" too, into
    characters that Chinese text hardly has. Such a reading is refused (rare_characters). A file
    that is neither is a damaged UTF-8 file if most of its non-ASCII characters are valid UTF-8,
    reported at its first bad byte. (GBK text is valid UTF-8 only by chance, one character in seven
    or so: 农 is C5 A9, which UTF-8 reads as ũ. So GB18030 is tried before the majority count,
    which took one short GB18030 text in 300 for damaged UTF-8.)"""
    utf16 = Problem(label, "neither UTF-8 nor GB18030 (it looks like UTF-16: save it as UTF-8)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data.count(b"\x00") * 4 >= len(data) > 0:
        # UTF-16, with its BOM or with a NUL in every other byte of its ASCII (as read_utf8 tells it)
        raise BuildError([utf16])
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        return with_line_feeds(data[bom:].decode("utf-8"))
    except UnicodeDecodeError as utf8_error:
        try:
            # GB18030 writes its BOM as 84 31 95 33, which decodes to U+FEFF
            text: str | None = data[bom:].decode("gb18030").removeprefix("\ufeff")
        except UnicodeDecodeError as gb_error:
            text, gb_error_at = None, gb_error.start + bom
        rare = None if text is None else rare_characters(text)
        if text is not None and rare is None:
            return with_line_feeds(text)
        lenient = data[bom:].decode("utf-8", errors="replace")
        invalid = lenient.count("\ufffd")
        if sum(1 for c in lenient if c > "\x7f") - invalid > invalid:
            where = byte_at(data, utf8_error.start + bom)
            raise BuildError([Problem(label, f"invalid UTF-8 {where}; the rest of the file is UTF-8")]) from None
        if reads_as_utf16(data):
            raise BuildError([utf16]) from None
        if text is None or rare is None:
            where = byte_at(data, gb_error_at)
            raise BuildError([Problem(label, f"neither UTF-8 nor GB18030: undecodable {where}")]) from None
        raise BuildError([Problem(label, not_chinese(data[bom:], text, rare))]) from None


def with_line_feeds(text: str) -> str:
    """The text with CRLF and classic-Mac CR line ends as LF: sentences, headings and blocks are
    found at line feeds (a CR-only text was one sentence, its headings' # marks kept)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def reads_as_utf16(data: bytes) -> bool:
    """Whether bytes that are neither UTF-8 nor Chinese GB18030 read as Chinese text in UTF-16
    without a BOM (little- or big-endian): printable, with no more rare characters than
    decode_text allows GB18030."""
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if text.replace("\n", "").replace("\r", "").replace("\t", "").isprintable() and rare_characters(text) is None:
            return True
    return False


def not_chinese(data: bytes, text: str, rare: tuple[int, int]) -> str:
    """Why a file read as GB18030 is refused, with the first rare character and, where
    charset-normalizer recognises one, the encoding the file may really be in."""
    first = first_rare_character(text)
    line = text.count("\n", 0, first) + 1
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # a deposit bundle's environment has none; its texts decoded when built
        guess = None
    else:
        guess = from_bytes(data).best()
    hint = f"; charset-normalizer reads it as {guess.encoding}" if guess is not None else ""
    return (
        f"not UTF-8, and read as GB18030 it is not Chinese text: {rare[0]} of its {rare[1]} non-ASCII "
        f"characters are rare or private-use (the first, U+{ord(text[first]):04X}, on line {line}){hint}. "
        "Save the file as UTF-8"
    )


def byte_at(data: bytes, offset: int) -> str:
    """Where a bad byte is, for a reader with an editor: its line, and its offset in the file."""
    line = data.count(b"\n", 0, offset) + 1
    return f"byte 0x{data[offset]:02x} on line {line} (byte offset {offset})"


class CheckedTexts:
    """Digests of the text files that decoded to a non-empty text, kept between builds, so a
    rebuild decodes only new or changed files."""

    def __init__(self, path: Path | None):
        self.path = path
        known = json.loads(path.read_text(encoding="utf-8")) if path is not None and path.is_file() else {}
        self.known: set[str] = set(known.get(DECODING_FORMAT, []))
        self.new: set[str] = set()

    def __contains__(self, digest: str) -> bool:
        return digest in self.known or digest in self.new

    def add(self, digest: str) -> None:
        self.new.add(digest)

    def save(self, used: set[str]) -> None:
        """Keep the digests of the texts this build read (files removed since are forgotten)."""
        if self.path is not None and (self.new or self.known - used):
            write_atomic(
                self.path, json.dumps({DECODING_FORMAT: sorted(used & (self.known | self.new))}).encode("utf-8")
            )


def check_text(folder: Path, label: str, file: str, digest: str, checked: CheckedTexts) -> Problem | None:
    """None when the file decodes to a non-empty text; otherwise what is wrong with it."""
    if digest in checked:
        return None
    try:
        text = decode_text(read_bytes_limited(folder / file, f"{label}/{file}"), f"{label}/{file}")
    except BuildError as exc:
        return exc.problems[0]
    if is_blank(text):
        return Problem(f"{label}/{file}", "the text is empty")
    if is_blank(MARKUP.sub("", text)):
        return Problem(
            f"{label}/{file}", "the text has nothing but Markdown heading marks, thematic breaks and comments"
        )
    checked.add(digest)
    return None


def column_id(column: str) -> str | None:
    """The id a column names its figures and their addresses by, where a grouping gives none: the
    column with hyphens for underscores where that is letters (of any script), digits and single
    hyphens, as it always was (issuer_tier: issuer-tier, Region, 发文机关); otherwise the column
    lowercased, each run of other characters a hyphen ("R&D tier": r-d-tier). None for a column
    with other characters beyond ASCII (发文 机关, "région (1)"), which needs an id of its own."""
    written = column.replace("_", "-")
    if WORD_ID.fullmatch(written):
        named: str | None = written
    elif not column.isascii():
        return None
    else:
        named = re.sub(r"[^a-z0-9]+", "-", column.lower()).strip("-") or None
    # a folder's name holds at most 255 bytes, and the figure id adds the corpus's and more
    return named if named is None or len(named.encode("utf-8")) <= MAX_ID_BYTES else None


def resolve_groupings(
    entry: CorpusEntry,
    position: int,
    columns: tuple[str, ...],
    texts: list[CorpusText],
    lines: dict[KeyPath, int],
    interface: Interface | None = None,
) -> tuple[list[Grouping], list[Text], list[Problem]]:
    """The groupings declared for a corpus (or the defaults), with their groups found in the data;
    interface: the catalogues, which name a grouping declared without a label by its column."""
    available = set(columns) | ({YEAR} if "date" in columns else set())
    problems, notes, groupings = [], [], []
    if entry.groupings is None:
        declared: list[DeclaredGrouping] = []
        for grouping_id, column, label, values, where in DEFAULT_GROUPINGS:
            needed = [column] + [c for c, _ in where]
            missing = [c for c in needed if c not in available]
            if missing:
                notes.append(
                    Text(
                        "corpus.note.no_grouping_column",
                        grouping=Text(f"corpus.grouping.{grouping_id}"),
                        column=missing[0],
                    )
                )
                continue
            declared.append((grouping_id, column, label, values, where, (), None, f"corpus.grouping.{grouping_id}"))
    else:
        declared = []
        for index, g in enumerate(entry.groupings):
            line = lines.get(("corpora", position, "groupings", index))
            where = tuple(sorted((g.where or {}).items()))
            missing = [c for c in [g.column] + [c for c, _ in where] if c not in available]
            if missing:
                problems.append(
                    Problem(
                        CONFIG,
                        f"corpus '{entry.id}': grouping column '{missing[0]}' is not a column of "
                        + not_a_column(entry, missing[0], columns),
                        line=line,
                    )
                )
                continue
            unmatched = [(c, v) for c, v in where if not any(t.value(c) == v for t in texts)]
            if unmatched:
                column, value = unmatched[0]
                problems.append(
                    Problem(
                        CONFIG,
                        f"corpus '{entry.id}': grouping '{g.id or g.column}' keeps the texts whose {column} is "
                        f"'{value}', and no text has that value ({values_present(texts, column)})",
                        line=line,
                    )
                )
                continue
            named = g.id or column_id(g.column)
            if named is None:
                problems.append(
                    Problem(
                        CONFIG,
                        f"corpus '{entry.id}': grouping column '{g.column}' cannot name its figures "
                        "(keywords-by-<id>): give the grouping an `id`, lowercase letters, digits and single hyphens",
                        line=line,
                    )
                )
                continue
            values = tuple(g.values or ())
            key = ""
            if not g.label and (named, g.column, values, where) in DEFAULT_KEYS:  # a default, declared as it is
                key = f"corpus.grouping.{named}"
            elif not g.label and interface is not None and interface.has(f"corpus.column.{g.column}"):
                key = f"corpus.column.{g.column}"
            declared.append(
                (
                    named,
                    g.column,
                    g.label or g.column.replace("_", " "),
                    values,
                    where,
                    translations(g, "label"),
                    line,
                    key,
                )
            )
    # grouping id, casefolded (a case-blind file system keeps one of by-Region/ and by-region/) ->
    # the first grouping's column and line
    seen: dict[str, tuple[str, str, int | None]] = {}
    for grouping_id, column, label, values, where, labels, line, key in declared:
        if grouping_id.casefold() in seen:
            first_id, first_column, first_line = seen[grouping_id.casefold()]
            same = (
                f"both have the id '{grouping_id}', which names their figures (keywords-by-{grouping_id})"
                if first_id == grouping_id
                else f"have the ids '{first_id}' and '{grouping_id}', which differ only in case (one folder "
                "on a case-blind file system)"
            )
            problems.append(
                Problem(
                    CONFIG,
                    f"corpus '{entry.id}': the groupings on '{first_column}'"
                    + (f" (line {first_line})" if first_line else "")
                    + f" and on '{column}' {same}: give one an `id` of its own",
                    line=line,
                )
            )
            continue
        seen[grouping_id.casefold()] = (grouping_id, column, line)
        chosen = [t for t in texts if all(t.value(c) == v for c, v in where)]
        found = sorted({t.value(column) for t in chosen} - {""} - set(values))
        order = tuple(values) + tuple(found)
        members: dict[str, list[str]] = {v: [] for v in order}
        for text in chosen:
            if text.value(column):
                members[text.value(column)].append(text.id)
        groupings.append(
            Grouping(
                grouping_id,
                column,
                label,
                order,
                where,
                {v: tuple(m) for v, m in members.items()},
                len(texts) - sum(len(m) for m in members.values()),
                catalogue_key=key,
                labels=labels,
                kept=len(chosen),
            )
        )
    return groupings, notes, problems


def values_present(texts: list[CorpusText], column: str, shown: int = 20) -> str:
    """ "the texts' <column>: " and the values they have, sorted, the first shown of them."""
    present = sorted({t.value(column) for t in texts} - {""})
    return f"the texts' {column}: {', '.join(present[:shown])}{', …' if len(present) > shown else ''}"


def not_a_column(entry: CorpusEntry, column: str, columns: tuple[str, ...]) -> str:
    """The end of the message for a column data/corpora.yaml names that the metadata lacks: the
    metadata's columns, and the one it meant where one is named like it (Date for date; a year
    is read from the date)."""
    meant = "date" if column == YEAR and YEAR not in columns else column
    alike = [c for c in columns if c.casefold() == meant.casefold() and c != meant]
    if "date" in columns:
        also = "; and 'year', read from 'date'"
    elif column == YEAR:
        also = "; 'year' is read from a column 'date', which it has not"
    else:
        also = ""
    hint = f": rename '{alike[0]}' to '{meant}'" if alike else ""
    return f"{entry.path}/metadata.csv (it has: {', '.join(columns)}{also}){hint}"


def resolve_comparison(
    entry: CorpusEntry,
    texts: list[CorpusText],
    columns: tuple[str, ...],
    line: int | None = None,
    groupings: Sequence[Grouping] = (),
) -> tuple[Comparison | None, list[Text]]:
    """The two groups the keyness study compares, or None with the reason."""
    from pilotsite.inputs.schemas import is_id

    if entry.keyness is not None:
        column, (a, b) = entry.keyness.column, entry.keyness.values
    else:
        column, (a, b) = DEFAULT_COMPARISON
    declared = entry.keyness is not None  # a mistake in it is the file's; the default applies where it can
    if column not in columns and not (column == YEAR and "date" in columns):
        if declared:
            message = f"keyness compares values of '{column}', which is not a column of " + not_a_column(
                entry, column, columns
            )
            raise BuildError([Problem(CONFIG, f"corpus '{entry.id}': {message}", line=line)])
        return None, [Text("corpus.note.keyness_no_column", column=column, a=a, b=b)]
    members = {v: tuple(t.id for t in texts if t.value(column) == v) for v in (a, b)}
    empty = [v for v in (a, b) if not members[v]]
    if empty and declared:
        raise BuildError(
            [
                Problem(
                    CONFIG,
                    f"corpus '{entry.id}': keyness compares '{a}' with '{b}' in '{column}', and no text has "
                    f"'{empty[0]}' ({values_present(texts, column)})",
                    line=line,
                )
            ]
        )
    if empty:
        return None, [Text("corpus.note.keyness_no_texts", a=a, b=b, group=empty[0], column=column)]
    if is_id(a) and is_id(b):
        named = f"{a}-{b}"
    else:  # values that cannot stand in an address (2010 年, R&D): the column names the figure
        by = column_id(column) or next((g.id for g in groupings if g.column == column), None)
        if by is None:
            raise BuildError(
                [
                    Problem(
                        CONFIG,
                        f"corpus '{entry.id}': keyness compares values of '{column}' that cannot name its "
                        "figure (keyness-<a>-<b>), and neither can the column (keyness-by-<column>): compare "
                        "values that are lowercase letters, digits and single hyphens, or group by the column "
                        "with an `id` (groupings: [{column: …, id: …}]), which names it then",
                        line=line,
                    )
                ]
            )
        named = f"by-{by}"
    return Comparison(column, a, b, members[a], members[b], named), []


def load_corpus(
    project: Project,
    entry: CorpusEntry,
    position: int = 0,
    lines: dict[KeyPath, int] | None = None,
    digest: Callable[[Path], str] = sha256_file,
    checked: CheckedTexts | None = None,
) -> Corpus:
    """One corpus of data/corpora.yaml (entry, at that position in the list), every problem reported together."""
    # one name for one folder however it is spelled (./data/corpora/x/ is data/corpora/x): the site
    # names the corpus's files by it
    label = posixpath.normpath(entry.path)
    folder = (project.root / label).resolve()
    metadata_label = f"{label}/metadata.csv"
    if not (folder / "metadata.csv").is_file():
        line = (lines or {}).get(("corpora", position, "path"))
        named = f"{CONFIG}, line {line}, names the folder" if line else f"{CONFIG} names the folder"
        home = " as written: ~ is not expanded, write the whole path" if label.startswith("~") else ""
        raise BuildError(
            [Problem(metadata_label, f"not found (a corpus folder holds metadata.csv and the texts; {named}{home})")]
        )
    checked = checked if checked is not None else CheckedTexts(None)
    problems: list[Problem] = []
    rows = read_table(
        folder / "metadata.csv",
        metadata_label,
        METADATA_COLUMNS,
        unique=["id"],
        problems_out=problems,
        other_columns=True,
        validated=project.validated_tables,
    )
    columns = tuple(rows.attrs["header"])
    frame_names = rows.attrs["columns"]
    texts, listed = [], set()
    first_row: dict[Path, tuple[int, str]] = {}  # each text file's first row: line and id
    # A row with a bad cell elsewhere (a date, a duplicate id) has its file checked too, in the same
    # run: its text is left out of the site, but its file's problems are reported with the cell's.
    file_unsound = {p.line for p in problems if p.column == "file"}
    for record in rows.to_dict("records"):
        line = int(record["line"])
        if not isinstance(record["file"], str) or not record["file"]:
            continue  # the row's problem is reported
        path = (folder / record["file"]).resolve()
        listed.add(path)
        if line in file_unsound:
            continue  # the row's problem is reported
        if path in first_row:  # the text would be counted twice, in every figure of the corpus
            earlier, earlier_id = first_row[path]
            problems.append(
                Problem(
                    metadata_label,
                    f"file '{record['file']}' is the text of line {earlier} (id '{earlier_id}') too: "
                    "each text file has one row",
                    line=line,
                    column="file",
                )
            )
            continue
        first_row[path] = (line, record["id"])
        if not path.is_relative_to(folder):
            problems.append(
                Problem(
                    metadata_label,
                    f"file '{record['file']}' points outside the corpus folder",
                    line=line,
                    column="file",
                )
            )
            continue
        if path == (folder / "metadata.csv").resolve():  # its lines were published as a text's sentences
            problems.append(
                Problem(
                    metadata_label,
                    f"file '{record['file']}' is this table itself, expected a text file",
                    line=line,
                    column="file",
                )
            )
            continue
        if not path.is_file():
            what = "is a folder, expected a text file" if path.is_dir() else "does not exist"
            problems.append(
                Problem(metadata_label, f"text file {label}/{record['file']} {what}", line=line, column="file")
            )
            continue
        file_digest = digest(path)
        problem = check_text(folder, label, record["file"], file_digest, checked)
        if problem is not None:
            problems.append(problem)
            continue
        if record["has_problem"]:
            continue
        values = {c: str(record[frame_names[c]]) for c in columns}
        texts.append(
            CorpusText(
                record["id"], record["title"], record["date"], record["file"], file_digest, path.stat().st_size, values
            )
        )
    # a text named in a row whose fields are miscounted has a row (reported already), if a broken one
    named_in_misshapen = {cell for cells in rows.attrs["misshapen"] for cell in cells}
    for path in sorted(folder.rglob("*")):
        if (
            path.suffix.lower() in (".md", ".txt")
            and not path.name.startswith(".")  # an editor's lock or backup file (.#a.md), not a text
            and path.relative_to(folder).as_posix() not in named_in_misshapen
            and path.stem.casefold() != "readme"  # a corpus's own notes (README.md, readme.txt)
            and path.resolve() not in listed
            and path.is_file()
        ):
            problems.append(
                Problem(f"{label}/{path.relative_to(folder).as_posix()}", "text file has no row in metadata.csv")
            )
    texts.sort(key=lambda t: t.id)
    groupings, notes, grouping_problems = resolve_groupings(
        entry, position, columns, texts, lines or {}, project.settings.interface
    )
    comparison: Comparison | None = None
    comparison_notes: list[Text] = []
    if not problems:  # (a text that could not be read is in no group: no values to check then)
        try:  # a mistake in the keyness study is reported with the groupings'
            comparison, comparison_notes = resolve_comparison(
                entry, texts, columns, (lines or {}).get(("corpora", position, "keyness")), groupings
            )
        except BuildError as mistaken:
            grouping_problems += mistaken.problems
    problems += grouping_problems
    if problems:
        raise BuildError(problems)
    return Corpus(
        entry.id,
        entry.title or entry.id,
        folder,
        label,
        columns,
        tuple(texts),
        tuple(groupings),
        comparison,
        tuple(notes + comparison_notes + misnamed_columns(columns) + traditional_titles(texts, project.root)),
        entry.search_characters,
        entry.list_page_size,
        translations(entry, "title"),
    )


COLUMN_CASE_NOTE = "corpus.note.column_case"  # misnamed_columns' note, which the build also prints
TRADITIONAL_NOTES = ("corpus.note.traditional_one", "corpus.note.traditional_other")  # the build prints them too
# Traditional characters and their simplified forms (OpenCC's, scripts/export_simplified.py), as the
# search page has them
SIMPLIFIED_TABLE = "site/assets/simplified.txt"
NAMED_TEXTS = 3  # the traditional_titles note names the first three
# characters the table turns that simplified Chinese writes too, in names above all (乾县, 乾安县)
SIMPLIFIED_TOO = frozenset("乾徵餘瞭藉於")


@lru_cache(maxsize=4)
def traditional_characters(table: Path) -> frozenset[str]:
    """The characters the table turns into another, simplified form (none if it is missing)."""
    try:
        lines = table.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return frozenset()
    return frozenset(line[0] for line in lines if len(line) == 2 and not line.startswith("#"))


def traditional_titles(texts: list[CorpusText], root: Path) -> list[Text]:
    """A note when texts have titles in traditional characters: jieba counts 規定 and 规定 as two
    words, so such texts' words are counted apart from the simplified ones, which a researcher
    mixing scripts would not see in the figures. A title is taken as traditional when it has a
    character the simplified table turns (none of the 2,506 shared corpus's titles has one)."""
    table = traditional_characters(root / SIMPLIFIED_TABLE) - SIMPLIFIED_TOO
    found = [t.id for t in texts if any(character in table for character in t.title)]
    if not found:
        return []
    named = ", ".join(found[:NAMED_TEXTS]) + (", …" if len(found) > NAMED_TEXTS else "")
    return [Text(TRADITIONAL_NOTES[len(found) > 1], count=len(found), texts=named)]


def misnamed_columns(columns: tuple[str, ...]) -> list[Text]:
    """A note for each column named like one the engine reads but in other capitals (Date for
    date, Province for province): read as a column of its own, it left every text undated, or
    the lists and the diffusion studies without provinces, without a word."""
    grouped = (c for _, column, _, _, where in DEFAULT_GROUPINGS for c in (column, *dict(where)))
    read = ["date", *dict.fromkeys([*grouped, *LIST_COLUMNS])]
    return [
        Text(COLUMN_CASE_NOTE, column=column, expected=name)
        for name in read
        if name not in columns
        for column in columns
        if column.casefold() == name.casefold()
    ]


def problems_of_valid_entries(
    project: Project,
    text: str,
    lines: dict[KeyPath, int],
    digest: Callable[[Path], str],
    checked: CheckedTexts,
) -> list[Problem]:
    """Where data/corpora.yaml does not validate (a misspelled key in one entry), the problems of
    its other entries: each entry that validates by itself is loaded, so that its missing folder
    or broken metadata is reported in this run too, not in the next."""
    from pydantic import ValidationError

    from pilotsite.inputs.schemas import CorpusEntry, parse_yaml

    raw = parse_yaml(text, CONFIG)
    items = raw.get("corpora") if isinstance(raw, dict) else None
    items = items if isinstance(items, list) else []
    ids = [
        (n, item["id"]) for n, item in enumerate(items) if isinstance(item, dict) and isinstance(item.get("id"), str)
    ]
    found: list[Problem] = repeated_corpus_ids(ids, lines)
    for position, item in enumerate(items):
        try:
            entry = CorpusEntry.model_validate(item)
        except ValidationError:
            continue  # its problems are the file's, reported already
        try:
            load_corpus(project, entry, position, lines, digest, checked)
        except BuildError as exc:
            found += exc.problems
    return found


def repeated_corpus_ids(ids: list[tuple[int, str]], lines: dict[KeyPath, int]) -> list[Problem]:
    """An id given again (ids: each entry's position and id), named at the entry that gives it
    again, with the line it was first given on."""
    first: dict[str, int | None] = {}
    found = []
    for position, corpus_id in ids:
        line = lines.get(("corpora", position, "id"))
        if corpus_id not in first:
            first[corpus_id] = line
            continue
        since = f" (first on line {first[corpus_id]})" if first[corpus_id] else ""
        found.append(
            Problem(
                CONFIG,
                f"field 'corpora': duplicate corpus id '{corpus_id}'{since}: give each corpus its own id",
                line=line,
            )
        )
    return found


def load_corpora(
    project: Project, digest: Callable[[Path], str] = sha256_file, cache_dir: Path | None = None
) -> dict[str, Corpus]:
    """Every corpus named in data/corpora.yaml (validated against schemas.CorporaConfig).

    digest gives a file's SHA-256 (the build passes its mtime-aware memo); with cache_dir, the
    digests of texts that decoded cleanly are remembered there."""
    from pilotsite.inputs.reading import read_utf8
    from pilotsite.inputs.schemas import CorporaConfig, key_lines, validate

    config = project.root / CONFIG
    if not config.is_file():
        return {}
    text = read_utf8(config, CONFIG)
    lines = key_lines(text)
    checked = CheckedTexts(cache_dir / "checked-texts.json" if cache_dir is not None else None)
    corpora: dict[str, Corpus] = {}
    problems: list[Problem] = []
    try:
        entries = validate(CorporaConfig, config, CONFIG, text).corpora
    except BuildError as invalid:  # and what the file's valid entries have wrong, in the same run
        found = invalid.problems + problems_of_valid_entries(project, text, lines, digest, checked)
        # this file's problems first, in the order of its lines; then the corpora's own files', file
        # by file as the entries name them (each file's in its own order)
        own = sorted((p for p in found if p.file == CONFIG), key=lambda p: p.line or 0)
        raise BuildError(own + [p for p in found if p.file != CONFIG]) from None
    problems += repeated_corpus_ids([(position, entry.id) for position, entry in enumerate(entries)], lines)
    for position, entry in enumerate(entries):
        try:  # an entry that repeats an id is loaded too: its own problems are reported with the id's
            corpora.setdefault(entry.id, load_corpus(project, entry, position, lines, digest, checked))
        except BuildError as exc:
            problems += exc.problems
    homes: dict[str, Corpus] = {}
    for corpus in corpora.values():
        other = homes.setdefault(corpus.home, corpus)
        # Two corpora of one folder (other groupings of the same texts) name the same files; two
        # folders under one name: the site and the figures' inputs would not tell their files apart
        if other is not corpus and other.folder != corpus.folder:
            far, near = (corpus, other) if corpus.outside else (other, corpus)
            problems.append(
                Problem(
                    CONFIG,
                    f"corpus '{far.id}' lies outside the project, so the site names its files under "
                    f"{far.home}/, which is the folder of corpus '{near.id}': change the id or move the folder",
                )
            )
    if problems:
        raise BuildError(problems)
    checked.save({t.digest for c in corpora.values() for t in c.texts})
    return corpora
