"""Keyness of one group of corpus texts against another (data/corpora.yaml `keyness`; by default
central against local texts): log-likelihood G² and log ratio.

Words counted as for the corpus keywords (jieba, two or more Han characters, no stopwords) and
seen at least MIN_COUNT times in the two groups together are compared. G² is computed without
Williams' correction; only words with G² above 15.13 (p < 0.0001, one degree of freedom) are
kept, and the TOP_N most key words in each direction are shown with their frequencies in both
groups and the log ratio (binary log of the ratio of relative frequencies; 0 counted as 0.5).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import pandas as pd

from pilotsite.api import (
    G2_P_0001,
    SLUG,
    STOPWORDS,
    USER_DICTIONARY,
    Figure,
    Listed,
    NotDrawn,
    NothingToDraw,
    Text,
    bilingual,
    content_counts,
    corpus_value,
    keyness,
    link_marks,
    read_word_list,
    value_names,
)

TOP_N = 15
MIN_COUNT = 5


def figures(catalog) -> list[Figure | NotDrawn]:
    result: list[Figure | NotDrawn] = []
    for corpus in catalog.corpora.values():
        comparison = corpus.comparison
        if comparison is None:
            reason = next(
                (n for n in corpus.notes if n.key.startswith("corpus.note.keyness")), Text("fig.keyness.no_groups")
            )
            result.append(
                NotDrawn(
                    f"{corpus.id}-keyness", Text("fig.keyness.not_drawn_title", corpus=corpus.name), reason, corpus.id
                )
            )
            continue
        # the groups as the catalogues name them in each edition (corpus.value.*), else as written
        interface = catalog.project.settings.interface
        a, b = comparison.a, comparison.b
        shown_a, shown_b = (corpus_value(interface, comparison.column, value) for value in (a, b))
        result.append(
            Figure(
                id=f"{corpus.id}-keyness-{comparison.named}",
                kind="corpus",
                lang="zh",
                title=Text("fig.keyness.title", a=shown_a, b=shown_b, corpus=corpus.name),
                caption=Text("fig.keyness.caption", count=TOP_N, a=shown_a, threshold=G2_P_0001, min_count=MIN_COUNT),
                documents=(),
                inputs=(*corpus.files, USER_DICTIONARY, *STOPWORDS["zh"]),
                params={
                    "corpus": corpus.id,
                    "column": comparison.column,
                    "a": a,
                    "b": b,
                    "top_n": TOP_N,
                    "min_count": MIN_COUNT,
                    "g2_threshold": G2_P_0001,
                },
                compute=keyness_of_groups,
                draw=partial(draw_keyness, shown={a: shown_a, b: shown_b}),
                # the alt text and headline name the groups as the title does, in each edition's words
                describe=partial(describe_keyness, shown={a: shown_a, b: shown_b}),
                headline=partial(headline_keyness, shown={a: shown_a, b: shown_b}),
                size=(7.0, 7.5),
                primary_key=("keyword",),
                drawn_names={"direction": {a: shown_a, b: shown_b}},  # the axis names the groups in both languages
            )
        )
    return result


def keyness_of_groups(inputs) -> pd.DataFrame:
    p = inputs.params
    corpus = inputs.corpus(p["corpus"])
    stopwords = frozenset().union(*(read_word_list(inputs.require(path)) for path in STOPWORDS["zh"]))
    members = {"a": corpus.comparison.members_a, "b": corpus.comparison.members_b}
    counts = {
        side: content_counts(inputs.corpus_counts(p["corpus"], ids, f"keyness:{p['column']}:{p[side]}"), stopwords)
        for side, ids in members.items()
    }
    rows = [r for r in keyness(counts["a"], counts["b"], p["min_count"]) if r["g2"] > p["g2_threshold"]]
    over = [r for r in rows if r["log_ratio"] > 0][: p["top_n"]]
    under = [r for r in rows if r["log_ratio"] < 0][: p["top_n"]]
    if not over and not under:
        raise NothingToDraw(
            Text("fig.keyness.no_key_words", a=p["a"], b=p["b"], threshold=p["g2_threshold"], min_count=p["min_count"])
        )
    table = pd.DataFrame([{**r, "direction": p["a"]} for r in over] + [{**r, "direction": p["b"]} for r in under])
    # Columns named after the groups where the names are plain ids (count_central, …), else _a and _b.
    a, b = (p["a"], p["b"]) if SLUG.match(p["a"]) and SLUG.match(p["b"]) else ("a", "b")
    return table.rename(
        columns={
            "count_a": f"count_{a}",
            "count_b": f"count_{b}",
            "per_million_a": f"per_million_{a}",
            "per_million_b": f"per_million_{b}",
        }
    )


def draw_keyness(data: pd.DataFrame, fig, shown: Mapping[str, Text | str] | None = None) -> None:
    ax = fig.add_subplot()
    rows = data.sort_values("log_ratio")
    bars = ax.barh(
        rows["keyword"], rows["log_ratio"], color=["#0072B2" if v > 0 else "#D55E00" for v in rows["log_ratio"]]
    )
    link_marks(
        bars,
        rows.index,
        [
            Text("axis.tip.keyness.bar", word=w, ratio=f"{r:g}", statistic=f"{g:g}", group=(shown or {}).get(d, d))
            for w, r, g, d in zip(rows["keyword"], rows["log_ratio"], rows["g2"], rows["direction"], strict=True)
        ],
    )
    ax.axvline(0, color="#555555", linewidth=0.8)
    groups = list(dict.fromkeys(data["direction"]))
    ax.set_xlabel(
        bilingual(
            "axis.keyness.log_ratio_of", a=value_names("direction", groups[0]), b=value_names("direction", groups[1])
        )
        if len(groups) == 2
        else bilingual("axis.keyness.log_ratio")
    )
    ax.tick_params(axis="y", labelsize=8)


def describe_keyness(data: pd.DataFrame, shown: Mapping[str, Text | str] | None = None) -> Text:
    """shown: each group's value as the catalogues name it (corpus_value), else it is named as written."""
    shown = shown or {}
    parts = [
        Text(
            "fig.keyness.alt_group",
            group=shown.get(group, group),
            words=Listed(tuple(rows["keyword"]), "text.comma_separator"),
        )
        for group, rows in data.groupby("direction", sort=False)
    ]
    return (
        Text("fig.keyness.alt_two", first=parts[0], second=parts[1])
        if len(parts) == 2
        else Text("fig.keyness.alt_one", first=parts[0])
    )


def headline_keyness(data: pd.DataFrame, shown: Mapping[str, Text | str] | None = None) -> Text:
    top = data.iloc[0]
    return Text(
        "fig.keyness.headline",
        group=(shown or {}).get(top["direction"], top["direction"]),
        word=top["keyword"],
        statistic=f"{top['g2']:g}",
        log_ratio=f"{top['log_ratio']:g}",
    )
