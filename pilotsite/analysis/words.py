"""Tokenising Chinese (jieba + user dictionary) and English text, and counting keywords."""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pandas as pd

from pilotsite.inputs.interface import Text
from pilotsite.inputs.lexicon import LEGAL_DRAFTING, LEXICON_FILES, STOPWORDS, USER_DICTIONARY

if TYPE_CHECKING:
    import jieba

    from pilotsite.inputs.project import Project

ENGLISH_WORD = re.compile(r"[a-z]+(?:['’-][a-z]+)*")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class ProjectCatalog(Protocol):
    """What lexicon_of reads of a figure's Catalog (figures/figure.py, a layer above this one)."""

    @property
    def project(self) -> Project: ...


class FigureInputs(Protocol):
    """What lexicon_of uses of a figure's Inputs (figures/figure.py)."""

    @property
    def catalog(self) -> ProjectCatalog: ...

    def require(self, path: str) -> Path: ...


@dataclass(frozen=True)
class Lexicon:
    """The user dictionary and stopword lists, read from data/lexicon/."""

    user_dictionary: Path
    stopwords: dict[str, frozenset[str]]


def read_word_list(path: Path) -> frozenset[str]:
    """One word per line; blank lines ignored."""
    return frozenset(w.strip() for w in path.read_text(encoding="utf-8-sig").splitlines() if w.strip())


def load_lexicon(root: Path) -> Lexicon:
    return Lexicon(
        user_dictionary=root / USER_DICTIONARY,
        stopwords={
            lang: frozenset().union(*(read_word_list(root / p) for p in paths)) for lang, paths in STOPWORDS.items()
        },
    )


def lexicon_of(inputs: FigureInputs) -> Lexicon:
    """The lexicon, for a figure that declares every lexicon file among its inputs."""
    for path in LEXICON_FILES:
        inputs.require(path)
    return load_lexicon(inputs.catalog.project.root)


@lru_cache(maxsize=4)
def chinese_tokenizer(user_dictionary: str) -> jieba.Tokenizer:
    """A private jieba tokenizer with the user dictionary (its text) loaded; the global one is left alone.

    jieba is imported here, not at the top: builds that segment nothing skip its start-up cost.
    """
    import io

    import jieba

    jieba.setLogLevel(logging.WARNING)  # jieba announces dictionary loading on stderr otherwise
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(io.StringIO(user_dictionary))
    return tokenizer


def chinese_tokens(text: str, lexicon: Lexicon, min_chars: int = 2) -> list[str]:
    """jieba segmentation; keeps words of Han characters at least min_chars long, minus stopwords."""
    tokenizer = chinese_tokenizer(lexicon.user_dictionary.read_text(encoding="utf-8-sig"))
    stop = lexicon.stopwords["zh"]
    return [word for word in tokenizer.lcut(text) if len(word) >= min_chars and HAN.search(word) and word not in stop]


# Longer runs of letters are no words but what a text carried along (an address, encoded data):
# counted, one had been drawn as a keyword label tens of thousands of pixels wide
ENGLISH_LONGEST = 45  # pneumonoultramicroscopicsilicovolcanoconiosis


def english_tokens(text: str, lexicon: Lexicon, min_chars: int = 2) -> list[str]:
    """Lower-cased alphabetic words (inner hyphens and apostrophes kept), minus stopwords."""
    stop = lexicon.stopwords["en"]
    return [
        word
        for word in ENGLISH_WORD.findall(text.lower().replace("’", "'"))
        if min_chars <= len(word) <= ENGLISH_LONGEST and word not in stop
    ]


def tokens(text: str, lang: str, lexicon: Lexicon, min_chars: int = 2) -> list[str]:
    if lang == "zh":
        return chinese_tokens(text, lexicon, min_chars)
    return english_tokens(text, lexicon, min_chars)


def keyword_frequencies(words: list[str], top_n: int) -> pd.DataFrame:
    """Top words by count, with their share of all counted tokens in percent.

    Ties are broken alphabetically so the table never depends on input order.
    """
    total = len(words)
    ranked = sorted(Counter(words).items(), key=lambda item: (-item[1], item[0]))[:top_n]
    return pd.DataFrame(
        {
            "rank": range(1, len(ranked) + 1),
            "keyword": [w for w, _ in ranked],
            "count": [c for _, c in ranked],
            "share_pct": [round(100 * c / total, 2) if total else 0.0 for _, c in ranked],
            "total_tokens": [total] * len(ranked),
        }
    )


def lexicon_summary(root: Path) -> tuple[tuple[str, Text], ...]:
    """What each lexicon file holds, for the methods page (in each edition's language)."""
    entries = [line for line in (root / USER_DICTIONARY).read_text(encoding="utf-8-sig").splitlines() if line.strip()]
    rows = [
        (
            USER_DICTIONARY,
            Text("methods.lexicon_dictionary", count=len(entries), terms="、".join(e.split()[0] for e in entries)),
        )
    ]
    for lang, paths in STOPWORDS.items():
        for path in paths:
            kind = "extra" if "extra" in path else "package"
            rows.append(
                (
                    path,
                    Text(
                        f"methods.lexicon_stopwords_{kind}",
                        count=len(read_word_list(root / path)),
                        language=Text(f"language.{lang}"),
                    ),
                )
            )
    drafting = sorted(read_word_list(root / LEGAL_DRAFTING))
    rows.append((LEGAL_DRAFTING, Text("methods.lexicon_drafting", count=len(drafting), words="、".join(drafting))))
    return tuple(rows)
