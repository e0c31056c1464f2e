"""Top keywords of corpus texts by relative frequency, for each grouping the corpus declares
(data/corpora.yaml; by default level, region of local texts and issuer tier).

Texts are split into sentences and segmented with jieba (user dictionary loaded); words of at
least two Han characters that are neither stopwords nor function words of legal drafting
(data/lexicon/legal-drafting-zh.txt: 应当, 规定, 本条例, …, which lead every list otherwise and
say nothing about policy) are counted. A keyword's relative frequency is
its count as a percentage of all counted words of the group (Fan Yu et al. (2024) give their
central and local keywords as percentages, without saying of what). A grouping with many groups draws the largest ones;
data.csv lists the top keywords of every group.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import pandas as pd

from pilotsite.api import (
    LEGAL_DRAFTING,
    STOPWORDS,
    USER_DICTIONARY,
    Figure,
    Listed,
    NotDrawn,
    Text,
    bilingual,
    content_counts,
    corpus_value,
    link_marks,
    read_word_list,
    value_names,
)

TOP_N = 15
MAX_PANELS = 6  # groups drawn side by side; the rest are in data.csv
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")


def figures(catalog) -> list[Figure | NotDrawn]:
    result: list[Figure | NotDrawn] = []
    for corpus in catalog.corpora.values():
        for grouping in corpus.groupings:
            figure_id = f"{corpus.id}-keywords-by-{grouping.id}"
            title = Text("fig.corpus_keywords.title", grouping=grouping.name, corpus=corpus.name)
            filled = grouping.filled
            if not filled:
                where = " and ".join(f"{c} = {v}" for c, v in grouping.where)
                reason = (
                    Text("fig.corpus_keywords.none_kept", where=where)
                    if where and not grouping.kept
                    else Text("fig.corpus_keywords.no_values", column=grouping.column)
                )
                result.append(NotDrawn(figure_id, title, reason, corpus.id))
                continue
            texts = {v: len(grouping.members[v]) for v in filled}
            drawn = largest(filled, texts.get)
            # the groups as the catalogues name them in each edition (corpus.value.*), else as written
            interface = catalog.project.settings.interface
            shown = {v: corpus_value(interface, grouping.column, v) for v in filled}
            result.append(
                Figure(
                    id=figure_id,
                    kind="corpus",
                    lang="zh",
                    title=title,
                    caption=Text("fig.corpus_keywords.caption", count=TOP_N),
                    documents=(),
                    inputs=(*corpus.files, USER_DICTIONARY, *STOPWORDS["zh"], LEGAL_DRAFTING),
                    params={"corpus": corpus.id, "grouping": grouping.id, "groups": list(filled), "top_n": TOP_N},
                    compute=keywords_by_group,
                    draw=partial(draw_groups, shown=shown),
                    # the alt text, headline and tooltips name the groups in each edition's words
                    describe=partial(describe_groups, shown=shown),
                    headline=partial(headline_groups, shown=shown),
                    size=(3.2 * max(len(drawn), 2), 5.2),
                    primary_key=("group", "rank"),
                    notes=grouping_notes(grouping, drawn, interface),
                    drawn_names={"group": {v: shown[v] for v in drawn}},  # each panel's group, in both languages
                )
            )
    return result


def largest(groups, size) -> list:
    """The MAX_PANELS groups with the most texts (the earlier on a tie), in their own order."""
    chosen = set(sorted(groups, key=lambda g: (-size(g), list(groups).index(g)))[:MAX_PANELS])
    return [g for g in groups if g in chosen]


def grouping_notes(grouping, drawn: list[str], interface) -> tuple[Text, ...]:
    """What a reader of a grouped figure should know about the groups it leaves out, naming them
    as the catalogues do in each edition (corpus.value.*), else as written."""

    def named(values) -> Listed:
        return Listed(tuple(corpus_value(interface, grouping.column, v) for v in values), "text.comma_separator")

    notes = []
    if grouping.empty:
        notes.append(Text("fig.corpus_keywords.empty_note", groups=named(grouping.empty)))
    filled = grouping.filled
    if len(drawn) < len(filled):
        notes.append(Text("fig.corpus_keywords.largest_note", drawn=len(drawn), total=len(filled)))
    single = [v for v in filled if len(grouping.members[v]) == 1]
    if single:
        notes.append(Text("fig.corpus_keywords.single_note", groups=named(single)))
    if grouping.ungrouped:
        where = " and ".join(f"{c} = {v}" for c, v in grouping.where)
        key = (
            "fig.corpus_keywords.ungrouped_"
            + ("one" if grouping.ungrouped == 1 else "other")
            + ("_where" if where else "")
        )
        notes.append(Text(key, count=grouping.ungrouped, column=grouping.column, where=where))
    return tuple(notes)


def keywords_by_group(inputs) -> pd.DataFrame:
    p = inputs.params
    grouping = inputs.corpus(p["corpus"]).grouping(p["grouping"])
    stopwords = lexicon_of_zh(inputs)
    rows = []
    for group in p["groups"]:
        members = grouping.members[group]
        counts = content_counts(inputs.corpus_counts(p["corpus"], members, f"{p['grouping']}:{group}"), stopwords)
        total = sum(counts.values())
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[: p["top_n"]]
        for rank, (word, count) in enumerate(ranked, 1):
            rows.append(
                {
                    "group": group,
                    "rank": rank,
                    "keyword": word,
                    "count": count,
                    "share_pct": round(100 * count / total, 2),
                    "total_tokens": total,
                    "texts": len(members),
                }
            )
    return pd.DataFrame(rows)


def lexicon_of_zh(inputs) -> frozenset[str]:
    """The Chinese stopwords and legal-drafting words (the corpus is Chinese; English stopwords
    are not declared)."""
    return frozenset().union(*(read_word_list(inputs.require(p)) for p in (*STOPWORDS["zh"], LEGAL_DRAFTING)))


def draw_groups(data: pd.DataFrame, fig, shown: Mapping[str, Text | str] | None = None) -> None:
    """shown: each group's value as the catalogues name it (corpus_value), for the tooltips; the
    panels are drawn once for both editions and name the groups in both (the figure's drawn_names)."""
    texts = dict(zip(data["group"], data["texts"].astype(int), strict=True))
    groups = largest(list(texts), texts.get)
    axes = fig.subplots(1, len(groups), sharex=True, squeeze=False)[0]
    for ax, group, colour in zip(axes, groups, COLOURS, strict=False):
        rows = data[data["group"] == group].iloc[::-1]
        bars = ax.barh(rows["keyword"], rows["share_pct"], color=colour)
        link_marks(
            bars,
            rows.index,
            [
                Text(
                    "axis.tip.corpus_keywords.bar",
                    word=w,
                    group=(shown or {}).get(group, group),
                    share=f"{s:g}",
                    count=c,
                    total=t,
                )
                for w, s, c, t in zip(
                    rows["keyword"], rows["share_pct"], rows["count"], rows["total_tokens"], strict=True
                )
            ],
        )
        ax.set_title(
            bilingual(
                "axis.corpus_keywords.panel_one" if int(rows["texts"].iloc[0]) == 1 else "axis.corpus_keywords.panel",
                group=value_names("group", group),
                count=int(rows["texts"].iloc[0]),
            ),
            fontsize=10,
        )
        ax.set_xlabel(bilingual("axis.share_of_counted_words"))
        ax.tick_params(axis="y", labelsize=9)


def describe_groups(data: pd.DataFrame, shown: Mapping[str, Text | str] | None = None) -> Text:
    """shown: each group's value as the catalogues name it (corpus_value), else it is named as written."""
    parts = []
    for group, rows in data.groupby("group", sort=False):
        words = Listed(
            tuple(f"{w} {s:g}%" for w, s in zip(rows["keyword"], rows["share_pct"], strict=True)),
            "text.comma_separator",
        )
        parts.append(Text("fig.corpus_keywords.alt_group", group=(shown or {}).get(group, group), words=words))
    return Text("fig.corpus_keywords.alt", groups=tuple(parts))


def headline_groups(data: pd.DataFrame, shown: Mapping[str, Text | str] | None = None) -> Text:
    tops = tuple(
        Text(
            "fig.corpus_keywords.headline_group",
            group=(shown or {}).get(g, g),
            word=rows.iloc[0]["keyword"],
            share=f"{rows.iloc[0]['share_pct']:g}",
        )
        for g, rows in data.groupby("group", sort=False)
    )
    return Text("fig.corpus_keywords.headline", groups=tops)
