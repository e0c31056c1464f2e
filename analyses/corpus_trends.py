"""Keyword trends in a corpus over time (data/trends.yaml): how often each declared term occurs
per 10,000 counted words, year by year, texts of the centre (level central) and local texts
drawn apart; and the words whose share rose or fell most between two declared periods.

A term's occurrences are counted in the text of each sentence (its jieba tokens joined again), so
a term counts wherever it occurs, also inside a longer word (示范 in 示范区). Counted words are those
of the corpus keyword figures: jieba tokens of two or more Han characters that are neither
stopwords nor function words of legal drafting (data/lexicon/legal-drafting-zh.txt). The year is
the first four digits of the text's date; texts without a date are left out, counted in the
figure's notes and listed on the corpus page, never given a guessed year. A year in which a
series has fewer than `min_texts` texts is drawn hollow: its share rests on too few texts.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd

from pilotsite.api import (
    LEGAL_DRAFTING,
    STOPWORDS,
    USER_DICTIONARY,
    Figure,
    Listed,
    NotDrawn,
    NothingToDraw,
    Text,
    bilingual,
    bilingual_value,
    content_counts,
    content_words,
    corpus_value,
    link_marks,
    read_word_list,
    undated_notes,
)

PER = 10_000
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")
LEVEL_WORDS = ("central", "local")  # series the catalogues name (corpus.value.level.*); others are shown as they are


def figures(catalog) -> list[Figure | NotDrawn]:
    settings = catalog.trends
    result: list[Figure | NotDrawn] = []
    for corpus in catalog.corpora.values():
        trends_id, words_id = f"{corpus.id}-keyword-trends", f"{corpus.id}-rising-falling-words"
        undated = len(corpus.texts) - corpus.dated
        if not corpus.dated:
            reason = Text("fig.trends.no_dates")
            result += [
                NotDrawn(trends_id, Text("fig.trends.keywords.not_drawn_title", corpus=corpus.name), reason, corpus.id),
                NotDrawn(words_id, Text("fig.trends.words.not_drawn_title", corpus=corpus.name), reason, corpus.id),
            ]
            continue
        centre = settings.centre if settings.centre.column in corpus.columns else None
        interface = catalog.project.settings.interface  # names the centre's value in each edition
        inputs = (*corpus.files, USER_DICTIONARY, *STOPWORDS["zh"], LEGAL_DRAFTING)
        notes = undated_notes(undated, len(corpus.texts))
        common = {
            "corpus": corpus.id,
            "centre_column": centre.column if centre else "",
            "centre": centre.value if centre else "",
        }
        terms = list(dict.fromkeys(settings.terms))
        result.append(
            Figure(
                id=trends_id,
                kind="corpus",
                lang="zh",
                title=Text("fig.trends.keywords.title", per=f"{PER:,}", corpus=corpus.name),
                caption=Text(
                    "fig.trends.keywords.caption" + ("_centre" if centre else ""),
                    terms=Listed(tuple(terms), "text.comma_separator"),  # 试点、示范 in Chinese
                    per=f"{PER:,}",
                    centre=corpus_value(interface, centre.column, centre.value) if centre else "",
                    min_texts=settings.min_texts,
                ),
                documents=(),
                inputs=inputs,
                params={**common, "terms": terms, "min_texts": settings.min_texts},
                compute=term_trends,
                draw=draw_trends,
                describe=describe_trends,
                headline=headline_trends,
                size=(7.2, 1.7 * len(terms) + 2.2),
                primary_key=("term", "series", "year"),
                notes=notes,
                drawn_names={"series": {w: series_name(w) for w in LEVEL_WORDS}},  # the legend's, in both languages
            )
        )
        a, b = settings.periods
        periods = [{"label": p.label or f"{p.start}–{p.end}", "start": p.start, "end": p.end} for p in (a, b)]
        result.append(
            Figure(
                id=words_id,
                kind="corpus",
                lang="zh",
                title=Text("fig.trends.words.title", a=periods[0]["label"], b=periods[1]["label"], corpus=corpus.name),
                caption=Text(
                    "fig.trends.words.caption",
                    shown=settings.shown,
                    a=periods[0]["label"],
                    b=periods[1]["label"],
                    per=f"{PER:,}",
                    min_count=settings.min_count,
                ),
                documents=(),
                inputs=inputs,
                params={**common, "periods": periods, "shown": settings.shown, "min_count": settings.min_count},
                compute=rising_falling,
                draw=draw_rising_falling,
                describe=describe_rising_falling,
                headline=headline_rising_falling,
                size=(7.0, 0.22 * 2 * settings.shown + 1.6),
                primary_key=("keyword",),
                notes=notes,
            )
        )
    return result


def excluded(inputs) -> frozenset[str]:
    return frozenset().union(*(read_word_list(inputs.require(p)) for p in (*STOPWORDS["zh"], LEGAL_DRAFTING)))


def series_of(text, p) -> str:
    """The series a text is drawn in: its value in the centre column (central, local, …), or all."""
    return (text.value(p["centre_column"]) or "no value") if p["centre_column"] else "all texts"


def term_trends(inputs) -> pd.DataFrame:
    p = inputs.params
    stopwords = excluded(inputs)

    def summarize(sentences) -> tuple[int, list[int]]:
        """A text's counted words and the occurrences of each term (a term never spans two sentences)."""
        joined = "\0".join("".join(sentence) for sentence in sentences)
        return len(content_words(sentences, stopwords)), [joined.count(term) for term in p["terms"]]

    texts: Counter[tuple[str, int]] = Counter()  # (series, year) -> texts
    words: Counter[tuple[str, int]] = Counter()  # (series, year) -> counted words
    found: Counter[tuple[tuple[str, int], str]] = Counter()  # ((series, year), term) -> occurrences
    for text, (counted, occurrences) in inputs.corpus_summaries(p["corpus"], summarize):
        year = text.date[:4]
        if not year:
            continue
        key = (series_of(text, p), int(year))
        texts[key] += 1
        words[key] += counted
        for term, n in zip(p["terms"], occurrences, strict=False):
            found[key, term] += n
    rows = []
    for term in p["terms"]:
        for series, year in sorted(texts):
            counted = words[series, year]
            rows.append(
                {
                    "term": term,
                    "series": series,
                    "year": year,
                    "texts": texts[series, year],
                    "counted_words": counted,
                    "occurrences": found[(series, year), term],
                    "per_10k": round(PER * found[(series, year), term] / counted, 3) if counted else 0.0,
                    "few_texts": texts[series, year] < p["min_texts"],
                }
            )
    return pd.DataFrame(
        rows, columns=["term", "series", "year", "texts", "counted_words", "occurrences", "per_10k", "few_texts"]
    )


def ordered_series(data: pd.DataFrame) -> list[str]:
    """The series by their number of texts, largest first."""
    sizes = data.drop_duplicates(["series", "year"]).groupby("series")["texts"].sum()
    return sorted(sizes.index, key=lambda s: (-sizes[s], s))


def draw_trends(data: pd.DataFrame, fig) -> None:
    terms = list(dict.fromkeys(data["term"]))
    series = ordered_series(data)
    colour = {s: COLOURS[i % len(COLOURS)] for i, s in enumerate(series)}
    axes = fig.subplots(len(terms) + 1, 1, sharex=True, squeeze=False)[:, 0]
    for ax, term in zip(axes, terms, strict=False):
        for name in series:
            rows = data[(data["term"] == term) & (data["series"] == name)]
            ax.plot(
                rows["year"],
                rows["per_10k"],
                color=colour[name],
                linewidth=1,
                label=bilingual_value("series", name, " "),
            )
            for index, row in rows.iterrows():  # one artist a point, so that each links to its row
                (point,) = ax.plot(
                    [row["year"]],
                    [row["per_10k"]],
                    marker="o",
                    markersize=3.5,
                    color=colour[name],
                    markerfacecolor="white" if row["few_texts"] else colour[name],
                    linestyle="none",
                )
                link_marks(
                    [point],
                    [index],
                    [
                        Text(
                            "axis.tip.trends.point_one" if row["texts"] == 1 else "axis.tip.trends.point",
                            term=term,
                            series=series_name(name),
                            year=row["year"],
                            share=f"{row['per_10k']:g}",
                            count=row["occurrences"],
                            texts=row["texts"],
                        )
                    ],
                )
        ax.set_title(term, fontsize=10, loc="left")
        ax.set_ylabel(bilingual("axis.trends.per", per=f"{PER:,}"), fontsize=8)
    axes[0].legend(fontsize=7, frameon=False, ncol=len(series), loc="lower right", bbox_to_anchor=(1.0, 1.0))
    counts = data[data["term"] == terms[0]]
    bottom = None
    ax = axes[-1]
    for name in series:
        rows = counts[counts["series"] == name].set_index("year")["texts"]
        years = sorted(set(counts["year"]))
        values = [int(rows.get(y, 0)) for y in years]
        ax.bar(years, values, bottom=bottom, color=colour[name], width=0.8)
        bottom = values if bottom is None else [a + b for a, b in zip(bottom, values, strict=True)]
    ax.set_ylabel(bilingual("axis.trends.texts"), fontsize=8)
    ax.set_xlabel(bilingual("axis.trends.year"))


def series_name(series: str) -> Text | str:
    """A series as the edition names it (中央 in the Chinese edition's tooltips and alt text)."""
    return Text(f"corpus.value.level.{series}") if series in LEVEL_WORDS else str(series)


def describe_trends(data: pd.DataFrame) -> Text:
    parts = []
    for (term, series), rows in data.groupby(["term", "series"], sort=False):
        peak = rows.sort_values(["per_10k", "year"], ascending=[False, True]).iloc[0]
        shown = series_name(series)
        parts.append(
            Text(
                "fig.trends.keywords.alt_series",
                term=term,
                series=shown,
                year=peak["year"],
                share=f"{peak['per_10k']:g}",
            )
            if peak["per_10k"] > 0
            else Text("fig.trends.keywords.alt_series_never", term=term, series=shown)  # no peak to name
        )
    years = sorted(set(data["year"]))
    return Text("fig.trends.keywords.alt", first=years[0], last=years[-1], series=tuple(parts))


def headline_trends(data: pd.DataFrame) -> Text:
    recent = data[~data["few_texts"]]
    if recent.empty:
        recent = data
    top = recent.sort_values(["per_10k", "year"], ascending=[False, True]).iloc[0]
    return Text(
        "fig.trends.keywords.headline",
        term=top["term"],
        series=top["series"],
        year=top["year"],
        share=f"{top['per_10k']:g}",
    )


def rising_falling(inputs) -> pd.DataFrame:
    p = inputs.params
    stopwords = excluded(inputs)
    a, b = p["periods"]
    members = {
        side: [
            t.id
            for t in inputs.corpus(p["corpus"]).texts
            if t.date and period["start"] <= int(t.date[:4]) <= period["end"]
        ]
        for side, period in (("a", a), ("b", b))
    }
    texts = {side: len(ids) for side, ids in members.items()}
    # Counts of a period are kept between builds and updated by the texts added or removed.
    words = {
        side: content_counts(
            inputs.corpus_counts(p["corpus"], ids, f"period:{period['start']}-{period['end']}"), stopwords
        )
        for (side, ids), period in zip(members.items(), (a, b), strict=True)
    }
    totals = {side: sum(counter.values()) for side, counter in words.items()}
    if not totals["a"] or not totals["b"]:
        empty = a["label"] if not totals["a"] else b["label"]
        raise NothingToDraw(Text("fig.trends.empty_period", period=empty))
    rows: list[dict[str, Any]] = []
    for word in set(words["a"]) | set(words["b"]):
        n_a, n_b = words["a"][word], words["b"][word]
        if n_a + n_b < p["min_count"]:
            continue
        share_a, share_b = PER * n_a / totals["a"], PER * n_b / totals["b"]
        rows.append(
            {
                "keyword": word,
                "count_a": n_a,
                "count_b": n_b,
                "per_10k_a": round(share_a, 3),
                "per_10k_b": round(share_b, 3),
                "change_per_10k": round(share_b - share_a, 3),
                "texts_a": texts["a"],
                "texts_b": texts["b"],
            }
        )
    rows.sort(key=lambda r: (-r["change_per_10k"], r["keyword"]))
    rising = [dict(r, direction="rose") for r in rows[: p["shown"]] if r["change_per_10k"] > 0]
    falling = [
        dict(r, direction="fell")
        for r in sorted(rows, key=lambda r: (r["change_per_10k"], r["keyword"]))[: p["shown"]]
        if r["change_per_10k"] < 0
    ]
    if not rising and not falling:  # too few occurrences (min_count), or the same texts on both sides
        raise NothingToDraw(Text("fig.trends.no_change", a=a["label"], b=b["label"], min_count=p["min_count"]))
    return pd.DataFrame(
        rising + falling,
        columns=[
            "keyword",
            "direction",
            "count_a",
            "count_b",
            "per_10k_a",
            "per_10k_b",
            "change_per_10k",
            "texts_a",
            "texts_b",
        ],
    )


def draw_rising_falling(data: pd.DataFrame, fig) -> None:
    ax = fig.add_subplot()
    rows = data.sort_values(["change_per_10k", "keyword"])
    bars = ax.barh(
        rows["keyword"],
        rows["change_per_10k"],
        color=["#0072B2" if v > 0 else "#D55E00" for v in rows["change_per_10k"]],
    )
    link_marks(
        bars,
        rows.index,
        [
            Text("axis.tip.trends.change", word=w, change=f"{c:+g}", before=f"{a:g}", after=f"{b:g}")
            for w, c, a, b in zip(
                rows["keyword"], rows["change_per_10k"], rows["per_10k_a"], rows["per_10k_b"], strict=True
            )
        ],
    )
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel(bilingual("axis.trends.change", per=f"{PER:,}"))
    ax.tick_params(axis="y", labelsize=8)


def describe_rising_falling(data: pd.DataFrame) -> Text:
    parts = tuple(
        Text(
            f"fig.trends.words.alt_{direction}",
            words=Listed(
                tuple(f"{w} ({c:+g})" for w, c in zip(rows["keyword"], rows["change_per_10k"], strict=True)),
                "text.comma_separator",
            ),
        )
        for direction, rows in data.groupby("direction", sort=False)
    )
    return Text("fig.trends.words.alt", directions=parts)


def headline_rising_falling(data: pd.DataFrame) -> Text:
    parts = tuple(
        Text(
            f"fig.trends.words.headline_{direction}",
            word=rows.iloc[0]["keyword"],
            change=f"{rows.iloc[0]['change_per_10k']:+g}",
        )
        for direction, rows in ((d, data[data["direction"] == d]) for d in ("rose", "fell"))
        if not rows.empty
    )
    return Text("fig.trends.words.headline", directions=parts)
