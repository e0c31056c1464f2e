"""Keyword frequencies of each document, and the keywords documents share.

Chinese passages are segmented with jieba (user dictionary loaded); English passages are
lower-cased and split into words. Stopwords, punctuation, numbers and one-character words are
removed; a keyword's relative frequency is its count as a percentage of the remaining tokens.
Fan Yu et al. (2024) give their keywords as percentages too, without saying of what; the two are
alike in form only.
"""

from __future__ import annotations

from itertools import combinations

import pandas as pd

from pilotsite.api import (
    LEXICON_FILES,
    Figure,
    Listed,
    NothingToDraw,
    Text,
    bilingual,
    keyword_frequencies,
    lexicon_of,
    link_marks,
    tokens,
)

TOP_N = 15
OVERLAP_TOP_N = 30


def figures(catalog) -> list[Figure]:
    result = []
    docs = sorted(catalog.documents.values(), key=lambda d: d.id)
    for doc in docs:
        for lang in doc.languages:
            suffix = f"-{lang}" if len(doc.languages) > 1 else ""
            result.append(
                Figure(
                    id=f"{doc.id}-keywords{suffix}",
                    title=Text(
                        "fig.keywords.document.title", language=Text(f"language.{lang}"), document=doc.short_titles
                    ),
                    caption=Text("fig.keywords.document.caption", count=TOP_N, language=Text(f"language.{lang}")),
                    kind="keywords",
                    documents=(doc.id,),
                    lang=lang,
                    inputs=(doc.text_path, *LEXICON_FILES),
                    params={"document": doc.id, "lang": lang, "top_n": TOP_N, "min_chars": 2},
                    compute=document_keywords,
                    draw=draw_keywords,
                    describe=describe_keywords,
                    headline=headline_keywords,
                    size=(6.0, 4.6),
                    primary_key=("rank",),
                )
            )
    if len(docs) < 2:  # nothing to overlap with
        return result
    result.append(
        Figure(
            id="keyword-overlap",
            title=Text("fig.keywords.overlap.title"),
            caption=Text("fig.keywords.overlap.caption", count=OVERLAP_TOP_N),
            kind="keywords",
            documents=tuple(d.id for d in docs),
            inputs=tuple(d.text_path for d in docs) + LEXICON_FILES,
            params={"top_n": OVERLAP_TOP_N, "min_chars": 2},
            compute=keyword_overlap,
            draw=draw_overlap,
            describe=describe_overlap,
            size=(6.4, 5.0),
            primary_key=("document_a", "document_b"),
        )
    )
    return result


def document_keywords(inputs) -> pd.DataFrame:
    p = inputs.params
    doc = inputs.document(p["document"])
    words = tokens(doc.text_in(p["lang"]), p["lang"], lexicon_of(inputs), p["min_chars"])
    if not words:  # its passages in the language hold no word that is counted
        raise NothingToDraw(Text("fig.keywords.no_words", language=Text(f"language.{p['lang']}")))
    table = keyword_frequencies(words, p["top_n"])
    table.insert(0, "document_id", doc.id)
    table.insert(1, "lang", p["lang"])
    return table


def top_keywords(inputs, doc_id: str, top_n: int, min_chars: int) -> set[str]:
    doc = inputs.document(doc_id)
    lexicon = lexicon_of(inputs)
    found: set[str] = set()
    for lang in doc.languages:
        words = tokens(doc.text_in(lang), lang, lexicon, min_chars)
        found |= set(keyword_frequencies(words, top_n)["keyword"])
    return found


def keyword_overlap(inputs) -> pd.DataFrame:
    """One row per pair of documents: how many top keywords they share, and which."""
    p = inputs.params
    top = {doc_id: top_keywords(inputs, doc_id, p["top_n"], p["min_chars"]) for doc_id in inputs.figure.documents}
    rows = []
    for a, b in combinations(sorted(top), 2):
        shared = sorted(top[a] & top[b])
        rows.append(
            {"document_a": a, "document_b": b, "shared_count": len(shared), "shared_keywords": "; ".join(shared)}
        )
    return pd.DataFrame(rows, columns=["document_a", "document_b", "shared_count", "shared_keywords"])


def draw_keywords(data: pd.DataFrame, fig) -> None:
    ax = fig.add_subplot()
    rows = data.iloc[::-1]
    bars = ax.barh(rows["keyword"], rows["share_pct"], color="#0072B2")
    # each bar leads to the contexts the word was counted in
    link_marks(
        bars,
        rows.index,
        [
            Text("axis.tip.keywords.bar", word=w, share=f"{s:g}", count=c, total=t)
            for w, s, c, t in zip(rows["keyword"], rows["share_pct"], rows["count"], rows["total_tokens"], strict=True)
        ],
    )
    for bar, count in zip(bars, rows["count"], strict=True):
        ax.annotate(
            str(count),
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
        )
    ax.set_xlabel(bilingual("axis.keywords.share_of_tokens"))
    ax.set_xlim(0, max(data["share_pct"], default=1) * 1.2)


def draw_overlap(data: pd.DataFrame, fig) -> None:
    docs = sorted(set(data["document_a"]) | set(data["document_b"]))
    matrix = pd.DataFrame(0, index=docs, columns=docs)
    for _, row in data.iterrows():
        matrix.loc[row["document_a"], row["document_b"]] = row["shared_count"]
        matrix.loc[row["document_b"], row["document_a"]] = row["shared_count"]
    ax = fig.add_subplot()
    image = ax.imshow(matrix.values, cmap="Blues")
    ax.set_xticks(range(len(docs)), docs, rotation=40, ha="right", fontsize=8)
    ax.set_yticks(range(len(docs)), docs, fontsize=8)
    row_of = {}
    for index, row in data.iterrows():
        row_of[row["document_a"], row["document_b"]] = row_of[row["document_b"], row["document_a"]] = (
            index,
            row["shared_keywords"],
        )
    for i in range(len(docs)):
        for j in range(len(docs)):
            if i != j:
                value = int(matrix.values[i, j])
                label = ax.text(
                    j,
                    i,
                    str(value),
                    ha="center",
                    va="center",
                    fontsize=9,
                    color="white" if value > matrix.values.max() / 2 else "black",
                )
                index, shared = row_of[docs[i], docs[j]]
                # the cell's number leads to the pair's row (with the shared words) in the data
                link_marks(
                    [label],
                    [index],
                    [
                        Text("axis.tip.keywords.pair_words", a=docs[i], b=docs[j], count=value, words=shared)
                        if shared
                        else Text("axis.tip.keywords.pair", a=docs[i], b=docs[j], count=value)
                    ],
                )
    fig.colorbar(image, ax=ax, label=bilingual("axis.keywords.shared"))


def describe_keywords(data: pd.DataFrame) -> Text:
    words = Listed(
        tuple(f"{w} ({s:g}%)" for w, s in zip(data["keyword"], data["share_pct"], strict=True)), "text.comma_separator"
    )
    return Text("fig.keywords.document.alt", count=len(data), words=words)


TIED_SHOWN = 5  # the tied words a headline names; more are said as "…"


def headline_keywords(data: pd.DataFrame) -> Text:
    """The most frequent word; where several share the top count, none is singled out: they are
    named as tied (the first by the table's order had been called the most frequent)."""
    top = data.iloc[0]
    share, total = f"{top['share_pct']:g}", top["total_tokens"]
    tied = [str(w) for w, c in zip(data["keyword"], data["count"], strict=True) if c == top["count"]]
    if len(tied) == 1:
        return Text("fig.keywords.document.headline", word=top["keyword"], share=share, total=total)
    # the table holds the top words only: a tie reaching its last row may go on beyond it
    more = len(tied) > TIED_SHOWN or len(tied) == len(data)
    words = Listed((*tied[:TIED_SHOWN], *(("…",) if more else ())), "text.comma_separator")
    return Text("fig.keywords.document.headline_tied", words=words, share=share, total=total)


def describe_overlap(data: pd.DataFrame) -> Text:
    pairs = tuple(
        Text("fig.keywords.overlap.pair", a=a, b=b, count=n)
        for a, b, n in zip(data["document_a"], data["document_b"], data["shared_count"], strict=True)
    )
    return Text("fig.keywords.overlap.alt", pairs=pairs)
