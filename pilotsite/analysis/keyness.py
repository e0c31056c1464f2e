"""Word counts by group of corpus texts, and keyness: log-likelihood G² and log ratio.

G² is Dunning's log-likelihood as used in corpus linguistics (Rayson & Garside 2000), without
Williams' correction. The log ratio is Hardie's (2014) effect size: the binary log of the ratio
of relative frequencies, with a count of 0 taken as 0.5 so that the ratio stays finite.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TypedDict

# G² above which the difference is significant at p < 0.0001 (chi-square, 1 degree of freedom).
G2_P_0001 = 15.13


_VERDICTS: dict[tuple[frozenset[str], int], dict[str, bool]] = {}


def content_words(sentences: list[list[str]], stopwords: frozenset[str], min_chars: int = 2) -> list[str]:
    """Words with a Han character, at least min_chars long, minus stopwords (the documents' rule).

    The verdict per distinct word is remembered: a corpus has millions of tokens but a vocabulary
    of tens of thousands."""
    from pilotsite.analysis.words import HAN

    verdicts = _VERDICTS.setdefault((stopwords, min_chars), {})
    kept = []
    for sentence in sentences:
        for word in sentence:
            keep = verdicts.get(word)
            if keep is None:
                keep = verdicts[word] = (
                    len(word) >= min_chars and HAN.search(word) is not None and word not in stopwords
                )
            if keep:
                kept.append(word)
    return kept


def content_counts(counts: Counter[str], stopwords: frozenset[str], min_chars: int = 2) -> Counter[str]:
    """The counts of content words only (the rule of content_words), from a token Counter."""
    kept = set(content_words([list(counts)], stopwords, min_chars))
    return Counter({word: n for word, n in counts.items() if word in kept})


def log_likelihood(a: int, b: int, total_a: int, total_b: int) -> float:
    """G² for a word seen a times in corpus A (total_a words) and b times in corpus B."""
    expected_a = total_a * (a + b) / (total_a + total_b)
    expected_b = total_b * (a + b) / (total_a + total_b)
    g2 = 0.0
    if a:
        g2 += a * math.log(a / expected_a)
    if b:
        g2 += b * math.log(b / expected_b)
    return 2 * g2


def log_ratio(a: int, b: int, total_a: int, total_b: int) -> float:
    return math.log2(((a or 0.5) / total_a) / ((b or 0.5) / total_b))


class KeynessRow(TypedDict):
    keyword: str
    count_a: int
    count_b: int
    per_million_a: float
    per_million_b: float
    g2: float
    log_ratio: float


def keyness(counts_a: Counter[str], counts_b: Counter[str], min_count: int = 5) -> list[KeynessRow]:
    """One row per word seen at least min_count times in A and B together, most key first."""
    total_a, total_b = sum(counts_a.values()), sum(counts_b.values())
    rows: list[KeynessRow] = []
    for word in sorted(set(counts_a) | set(counts_b)):
        a, b = counts_a.get(word, 0), counts_b.get(word, 0)
        if a + b < min_count:
            continue
        rows.append(
            {
                "keyword": word,
                "count_a": a,
                "count_b": b,
                "per_million_a": round(1e6 * a / total_a, 1),
                "per_million_b": round(1e6 * b / total_b, 1),
                "g2": round(log_likelihood(a, b, total_a, total_b), 2),
                "log_ratio": round(log_ratio(a, b, total_a, total_b), 3),
            }
        )
    return sorted(rows, key=lambda r: (-r["g2"], r["keyword"]))
