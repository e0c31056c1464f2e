"""Top keywords of corpus texts by relative frequency: central vs local, by region, by issuer tier.

Texts are split into sentences and segmented with jieba (user dictionary loaded); words of at
least two Han characters that are not stopwords are counted. A keyword's relative frequency is
its count as a percentage of all counted words of the group, the form in which Fan Yu et al.
(2024) report central and local keywords.
"""
from __future__ import annotations

import pandas as pd

from pilotsite.analysis import Figure
from pilotsite.keyness import content_counts
from pilotsite.text import STOPWORDS, USER_DICTIONARY, read_word_list

TOP_N = 15
GROUPINGS = {  # figure suffix -> (text attribute, groups in order, label)
    "level": ("level", ("central", "local"), "level of government"),
    "region": ("region", ("east", "central", "west"), "region (local texts)"),
    "tier": ("issuer_tier", ("central", "provincial", "municipal"), "issuer tier"),
}


def figures(catalog) -> list[Figure]:
    result = []
    for corpus in catalog.corpora.values():
        for suffix, (attribute, groups, label) in GROUPINGS.items():
            result.append(Figure(
                id=f"{corpus.id}-keywords-by-{suffix}", kind="corpus", lang="zh",
                title=f"Top keywords by {label}: {corpus.title}",
                caption=f"The {TOP_N} most frequent words in each group of texts, as % of the group's counted words.",
                documents=(), inputs=(*corpus.files, USER_DICTIONARY, *STOPWORDS["zh"]),
                params={"corpus": corpus.id, "attribute": attribute, "groups": list(groups), "top_n": TOP_N},
                compute=keywords_by_group, draw=draw_groups, describe=describe_groups, headline=headline_groups,
                size=(3.2 * len(groups), 5.2), primary_key=("group", "rank"),
            ))
    return result


def keywords_by_group(inputs) -> pd.DataFrame:
    p = inputs.params
    corpus = inputs.corpus(p["corpus"])
    stopwords = lexicon_of_zh(inputs)
    members = {group: [t.id for t in corpus.texts if getattr(t, p["attribute"]) == group] for group in p["groups"]}
    counts = {group: content_counts(inputs.corpus_counts(p["corpus"], ids), stopwords) for group, ids in members.items()}
    texts = {group: len(ids) for group, ids in members.items()}
    rows = []
    for group in p["groups"]:
        total = sum(counts[group].values())
        ranked = sorted(counts[group].items(), key=lambda item: (-item[1], item[0]))[: p["top_n"]]
        for rank, (word, count) in enumerate(ranked, 1):
            rows.append({"group": group, "rank": rank, "keyword": word, "count": count,
                         "share_pct": round(100 * count / total, 2), "total_tokens": total, "texts": texts[group]})
    return pd.DataFrame(rows)


def lexicon_of_zh(inputs) -> frozenset[str]:
    """The Chinese stopwords (the corpus is Chinese; English stopwords are not declared)."""
    return frozenset().union(*(read_word_list(inputs.require(p)) for p in STOPWORDS["zh"]))


def draw_groups(data: pd.DataFrame, fig) -> None:
    groups = list(dict.fromkeys(data["group"]))
    axes = fig.subplots(1, len(groups), sharex=True)
    for ax, group, colour in zip(axes, groups, ("#0072B2", "#D55E00", "#009E73")):
        rows = data[data["group"] == group].iloc[::-1]
        ax.barh(rows["keyword"], rows["share_pct"], color=colour)
        ax.set_title(f"{group} ({int(rows['texts'].iloc[0])} texts)", fontsize=10)
        ax.set_xlabel("% of counted words")
        ax.tick_params(axis="y", labelsize=9)


def describe_groups(data: pd.DataFrame) -> str:
    parts = []
    for group, rows in data.groupby("group", sort=False):
        words = ", ".join(f"{w} {s:g}%" for w, s in zip(rows["keyword"], rows["share_pct"]))
        parts.append(f"{group}: {words}")
    return "Bar charts of the most frequent words per group. " + "; ".join(parts) + "."


def headline_groups(data: pd.DataFrame) -> str:
    tops = [f"{g}: {rows.iloc[0]['keyword']} ({rows.iloc[0]['share_pct']:g} %)" for g, rows in data.groupby("group", sort=False)]
    return "Most frequent word by group — " + "; ".join(tops) + "."
