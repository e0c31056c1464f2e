"""Keyness of central against local texts: log-likelihood G² and log ratio.

Words counted as for the corpus keywords (jieba, two or more Han characters, no stopwords) and
seen at least MIN_COUNT times in the two groups together are compared. G² is computed without
Williams' correction; only words with G² above 15.13 (p < 0.0001, one degree of freedom) are
kept, and the TOP_N most key words in each direction are shown with their frequencies in both
groups and the log ratio (binary log of the ratio of relative frequencies; 0 counted as 0.5).
"""
from __future__ import annotations

import pandas as pd

from pilotsite.analysis import Figure
from pilotsite.keyness import G2_P_0001, content_counts, keyness
from pilotsite.text import STOPWORDS, USER_DICTIONARY, read_word_list

TOP_N = 15
MIN_COUNT = 5


def figures(catalog) -> list[Figure]:
    return [Figure(
        id=f"{corpus.id}-keyness-central-local", kind="corpus", lang="zh",
        title=f"Words over- and under-represented in central vs local texts: {corpus.title}",
        caption=(f"Log ratio of the {TOP_N} words with the highest G² in each direction (positive: more frequent in central "
                 f"texts). Only words with G² > {G2_P_0001} (p < 0.0001, no Williams correction) and at least {MIN_COUNT} "
                 "occurrences are shown."),
        documents=(), inputs=(*corpus.files, USER_DICTIONARY, *STOPWORDS["zh"]),
        params={"corpus": corpus.id, "top_n": TOP_N, "min_count": MIN_COUNT, "g2_threshold": G2_P_0001},
        compute=central_local_keyness, draw=draw_keyness, describe=describe_keyness, headline=headline_keyness,
        size=(7.0, 7.5), primary_key=("keyword",),
    ) for corpus in catalog.corpora.values()]


def central_local_keyness(inputs) -> pd.DataFrame:
    p = inputs.params
    corpus = inputs.corpus(p["corpus"])
    stopwords = frozenset().union(*(read_word_list(inputs.require(path)) for path in STOPWORDS["zh"]))
    counts = {level: content_counts(inputs.corpus_counts(p["corpus"], [t.id for t in corpus.texts if t.level == level]), stopwords)
              for level in ("central", "local")}
    rows = [r for r in keyness(counts["central"], counts["local"], p["min_count"]) if r["g2"] > p["g2_threshold"]]
    over = [r for r in rows if r["log_ratio"] > 0][: p["top_n"]]
    under = [r for r in rows if r["log_ratio"] < 0][: p["top_n"]]
    table = pd.DataFrame([{**r, "direction": "central"} for r in over] + [{**r, "direction": "local"} for r in under])
    return table.rename(columns={"count_a": "count_central", "count_b": "count_local",
                                 "per_million_a": "per_million_central", "per_million_b": "per_million_local"})


def draw_keyness(data: pd.DataFrame, fig) -> None:
    ax = fig.add_subplot()
    rows = data.sort_values("log_ratio")
    ax.barh(rows["keyword"], rows["log_ratio"], color=["#0072B2" if v > 0 else "#D55E00" for v in rows["log_ratio"]])
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel("log ratio (log2 of relative frequency central / local)")
    ax.tick_params(axis="y", labelsize=8)


def describe_keyness(data: pd.DataFrame) -> str:
    over = ", ".join(data[data["direction"] == "central"]["keyword"])
    under = ", ".join(data[data["direction"] == "local"]["keyword"])
    return f"Bar chart of log ratios. More frequent in central texts: {over}. More frequent in local texts: {under}."


def headline_keyness(data: pd.DataFrame) -> str:
    top = data.iloc[0]
    return f"Most key word of central texts: {top['keyword']} (G² {top['g2']:g}, log ratio {top['log_ratio']:g})."
