"""Reading an input file: a size limit checked before reading, and UTF-8 decoding whose errors
give the line and byte offset (and say when the bytes look like GBK/GB18030)."""

from __future__ import annotations

import re
from pathlib import Path

from pilotsite.errors import BuildError, Problem

# Hand-edited inputs are far smaller; a bigger file is refused before it is read, not loaded.
MAX_FILE_BYTES = 20 * 1024 * 1024
# Characters no text shows and XML refuses (the feeds would fail on them); tab and line ends are
# text (read_utf8 ends every line with \n).
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_bytes_limited(path: Path, label: str) -> bytes:
    """A data file's bytes, refusing one over MAX_FILE_BYTES without reading it."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise BuildError([Problem(label, "file not found")]) from None
    if size > MAX_FILE_BYTES:
        raise BuildError(
            [
                Problem(
                    label,
                    f"the file is {size / 1024 / 1024:.1f} MB; data files over "
                    f"{MAX_FILE_BYTES // 1024 // 1024} MB are refused (split it into smaller files)",
                )
            ]
        )
    return path.read_bytes()


def line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_utf8(path: Path, label: str) -> str:
    """Read a UTF-8 text file (a BOM is accepted and dropped); errors give the line and byte offset."""
    data = read_bytes_limited(path, label)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        # UTF-16 (with or without its BOM) has a NUL in every other byte of ASCII text, which
        # UTF-8 would take as text; no text file holds a NUL
        offset = 0 if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data.index(b"\x00")
        utf16 = offset == 0 or data.count(b"\x00") * 4 >= len(data)
        found = "it looks like UTF-16: save it as UTF-8" if utf16 else f"a NUL byte at byte offset {offset}"
        raise BuildError([Problem(label, f"not UTF-8 text ({found})", line=line_of_offset(data, offset))])
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        # CRLF (Windows) and CR alone (classic Mac, Excel's "CSV (Macintosh)") end lines too
        return data[bom:].decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        offset = exc.start + bom  # in the file, BOM included, as an editor counts
        hint = " (it looks like GBK/GB18030: save it as UTF-8)" if _reads_as_gb18030(data[bom:]) else ""
        raise BuildError(
            [
                Problem(
                    label,
                    f"not valid UTF-8: byte 0x{data[offset]:02x} at byte offset {offset}{hint}",
                    line=line_of_offset(data, offset),
                )
            ]
        ) from None


# Chinese text has nearly all its characters among GB2312's 7,445 common ones. Of the shared
# corpus's 2,506 texts none has over 1 % rare (is_rare), nor did any of 75,180 random excerpts of
# 10, 20 or 50 characters have over 20 %; while every excerpt of 20 or more characters with two or
# more non-ASCII ones, written in Big5 or Shift-JIS and read as GB18030, had more (80,160 tried;
# tests/test_corpus.py checks both on the sample corpus).
RARE_SHARE = 0.2


# Python's gb2312 codec reads A1AA and A1A4 as U+2015 and U+30FB, GB18030 as — and ·: as GB2312's
AS_GB2312_CODEC = str.maketrans({"\u2014": "\u2015", "\u00b7": "\u30fb"})
# GB2312's rows of Cyrillic, box drawing, kana and bopomofo, which Chinese text hardly uses (1 such
# character in the shared corpus's 2,506 texts) and Big5 read as GB18030 is full of: Big5's
# commonest characters (一 人 的 是) have lead bytes A4 to AF, GB2312's rows of these and of
# private use. Counted as rare, no Big5 excerpt of 20 characters with two or more of them passes.
# (Greek is left common: units such as μg/m³ are Chinese text's too, and counting it gained nothing.)
UNCOMMON_IN_CHINESE = re.compile("[\u0400-\u04ff\u2500-\u257f\u3041-\u30fa\u30fc-\u30ff\u3100-\u312f]")


# Spaces and invisible format characters (no-break and zero-width spaces, which Chinese texts
# pasted from web pages hold) say nothing about the encoding: GB18030 writes them in four bytes,
# which Big5 and Shift-JIS bytes never form. They are not counted at all.
INVISIBLE = re.compile("[\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f-\u2064\ufeff]")


def is_rare(character: str) -> bool:
    """Outside GB2312's common characters, or in its rows Chinese text hardly uses; ASCII, spaces
    and invisible characters are not."""
    common = INVISIBLE.sub("", character.translate(AS_GB2312_CODEC))
    return common > "\x7f" and (
        common.encode("gb2312", errors="replace") == b"?" or UNCOMMON_IN_CHINESE.match(common) is not None
    )


def rare_characters(text: str) -> tuple[int, int] | None:
    """None when text reads as Chinese; else how many of its non-ASCII characters are rare (outside
    GB2312, private-use, or kana and the like: is_rare), and how many non-ASCII characters it has."""
    common = INVISIBLE.sub("", text.translate(AS_GB2312_CODEC))
    non_ascii = len(common) - len(common.encode("ascii", errors="ignore"))
    marked = UNCOMMON_IN_CHINESE.sub("\ufffd", common)  # once each, whether GB2312 has it or not
    rare = marked.encode("gb2312", errors="replace").count(b"?") - marked.count("?")
    return (rare, non_ascii) if rare > RARE_SHARE * non_ascii else None


def first_rare_character(text: str) -> int:
    """Where the first character rare_characters counts is (text has one)."""
    return next(i for i, c in enumerate(text) if is_rare(c))


def _reads_as_gb18030(data: bytes) -> bool:
    try:
        return rare_characters(data.decode("gb18030")) is None
    except UnicodeDecodeError:
        return False
