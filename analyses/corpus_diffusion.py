"""How policy terms diffuse between the centre and the provinces (data/trends.yaml `diffusion`):
the year each term first appears in the texts of the centre (level central) and in each
province's local texts, as a cumulative adoption curve and as a lag after the centre's first use.

A text uses a term when one of its sentences contains it (whitespace aside). An adopter's first
use is its earliest dated text that uses the term (on the same date, the lower id); its sentence
is quoted verbatim and linked. Lag: the year of a province's first use minus the year of the
centre's; negative where a province came first, as when a local pilot is taken up by the centre.
These are first uses in this corpus — regulations in force when it was collected — not in every
text ever issued: an earlier text that was repealed is not seen. Texts without a date are left
out and listed on the corpus page.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pilotsite.api import (
    USER_DICTIONARY,
    Figure,
    Listed,
    NotDrawn,
    NothingToDraw,
    Text,
    bilingual,
    link_marks,
    undated_notes,
)

COLUMNS = [
    "term",
    "adopter",
    "level",
    "first_date",
    "first_year",
    "lag_years",
    "text_id",
    "title",
    "sentence_number",
    "sentence",
]
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")


def figures(catalog) -> list[Figure | NotDrawn]:
    settings = catalog.trends
    result: list[Figure | NotDrawn] = []
    for corpus in catalog.corpora.values():
        adoption_id, lag_id = f"{corpus.id}-diffusion-adoption", f"{corpus.id}-diffusion-lag"
        titles = {
            adoption_id: Text("fig.diffusion.adoption.title", corpus=corpus.name),
            lag_id: Text("fig.diffusion.lag.title", corpus=corpus.name),
        }
        reason = (
            Text("fig.diffusion.no_terms")
            if not settings.diffusion
            else Text("fig.diffusion.no_dates")
            if not corpus.dated
            else Text("fig.diffusion.no_adopters", column=settings.adopters)
            if settings.adopters not in corpus.columns
            else ""
        )
        if reason:
            result += [NotDrawn(figure_id, title, reason, corpus.id) for figure_id, title in titles.items()]
            continue
        centre = settings.centre if settings.centre.column in corpus.columns else None
        undated = len(corpus.texts) - corpus.dated
        notes = (*undated_notes(undated, len(corpus.texts)), Text("fig.diffusion.repealed_note"))
        params = {
            "corpus": corpus.id,
            "terms": list(dict.fromkeys(settings.diffusion)),
            "centre_column": centre.column if centre else "",
            "centre": centre.value if centre else "",
            "adopters": settings.adopters,
        }
        common: dict[str, Any] = dict(
            kind="corpus",
            lang="zh",
            documents=(),
            inputs=(*corpus.files, USER_DICTIONARY),
            params=params,
            primary_key=("term", "adopter"),
            notes=notes,
        )
        result.append(
            Figure(
                id=adoption_id,
                title=titles[adoption_id],
                caption=Text("fig.diffusion.adoption.caption", adopters=settings.adopters.replace("_", " ")),
                compute=first_uses,
                draw=draw_adoption,
                describe=describe_adoption,
                headline=headline_adoption,
                size=(7.2, 4.6),
                **common,
            )
        )
        if not centre or not any(t.value(centre.column) == centre.value for t in corpus.texts):
            reason = (
                Text("fig.diffusion.no_centre_texts", column=centre.column, value=centre.value)
                if centre
                else Text("fig.diffusion.no_centre", column=settings.centre.column)
            )
            result.append(NotDrawn(lag_id, titles[lag_id], reason, corpus.id))
            continue
        result.append(
            Figure(
                id=lag_id,
                title=titles[lag_id],
                caption=Text("fig.diffusion.lag.caption"),
                draw=draw_lag,
                describe=describe_lag,
                headline=headline_lag,
                compute=lag_data,
                size=(7.2, 0.5 * len(params["terms"]) + 1.6),
                **common,
            )
        )
    return result


def adopter_of(text, p) -> str:
    """Who a text speaks for: the centre, or the value of the adopters column (its province)."""
    if p["centre_column"] and text.value(p["centre_column"]) == p["centre"]:
        return p["centre"]
    return text.value(p["adopters"])


def first_uses(inputs) -> pd.DataFrame:
    p = inputs.params
    first: dict[tuple[str, str], tuple[tuple[str, str], Any]] = {}

    def summarize(sentences) -> list[str]:
        """The terms a text uses (a term never spans two sentences)."""
        joined = "\0".join("".join(sentence) for sentence in sentences)
        return [term for term in p["terms"] if term in joined]

    for text, used in inputs.corpus_summaries(p["corpus"], summarize):
        adopter = adopter_of(text, p)
        if not text.date or not adopter:
            continue
        for term in used:
            key, when = (term, adopter), (text.date, text.id)
            if key not in first or when < first[key][0]:
                first[key] = (when, text)
    if not first:
        raise NothingToDraw(Text("fig.diffusion.no_use", terms=Listed(tuple(p["terms"]), "text.comma_separator")))
    rows = []
    for (term, adopter), ((date, _), text) in first.items():
        number, sentence = first_sentence(inputs.corpus_sentences(p["corpus"], text), term)
        rows.append(
            {
                "term": term,
                "adopter": adopter,
                "level": "centre" if adopter == p["centre"] and p["centre_column"] else "local",
                "first_date": date,
                "first_year": int(date[:4]),
                "text_id": text.id,
                "title": text.title,
                "sentence_number": number,
                "sentence": sentence,
            }
        )
    data = pd.DataFrame(rows)
    centre_year = {r["term"]: r["first_year"] for r in rows if r["level"] == "centre"}
    data["lag_years"] = [
        ("" if level == "centre" or term not in centre_year else year - centre_year[term])
        for term, level, year in zip(data["term"], data["level"], data["first_year"], strict=True)
    ]
    order = {term: i for i, term in enumerate(p["terms"])}
    data["order"] = [
        (order[t], level != "centre", d, a)
        for t, level, d, a in zip(data["term"], data["level"], data["first_date"], data["adopter"], strict=True)
    ]
    return data.sort_values("order").drop(columns="order")[COLUMNS].reset_index(drop=True)


def lag_data(inputs) -> pd.DataFrame:
    """The first uses, for the terms the centre has used (a lag needs the centre's year)."""
    data = first_uses(inputs)
    used = set(data[data["level"] == "centre"]["term"])
    if not used:
        raise NothingToDraw(
            Text("fig.diffusion.no_centre_use", terms=Listed(tuple(inputs.params["terms"]), "text.comma_separator"))
        )
    return data[data["term"].isin(used)].reset_index(drop=True)


def first_sentence(sentences: list[str], term: str) -> tuple[int, str]:
    """The number (from 1) and text of the first sentence that contains the term, whitespace aside."""
    for number, sentence in enumerate(sentences, 1):
        if term in "".join(sentence.split()):
            return number, sentence
    raise ValueError(f"the term {term} is in the text's tokens but in none of its sentences")


def draw_adoption(data: pd.DataFrame, fig) -> None:
    ax = fig.add_subplot()
    terms = list(dict.fromkeys(data["term"]))
    for index, term in enumerate(terms):
        colour = COLOURS[index % len(COLOURS)]
        local = data[(data["term"] == term) & (data["level"] == "local")].sort_values(["first_year", "adopter"])
        years = list(local["first_year"])
        if years:
            ax.step(years, range(1, len(years) + 1), where="post", color=colour, linewidth=1.2, label=term)
        for count, (row_index, row) in enumerate(local.iterrows(), 1):
            (point,) = ax.plot([row["first_year"]], [count], marker="o", markersize=4, color=colour, linestyle="none")
            link_marks(
                [point],
                [row_index],
                [
                    Text(
                        "axis.tip.diffusion.first_use",
                        term=term,
                        adopter=row["adopter"],
                        date=row["first_date"],
                        title=row["title"],
                    )
                ],
            )
        for row_index, row in data[(data["term"] == term) & (data["level"] == "centre")].iterrows():
            (star,) = ax.plot(
                [row["first_year"]],
                [0],
                marker="*",
                markersize=11,
                color=colour,
                linestyle="none",
                label=None if years else term,
            )
            link_marks(
                [star],
                [row_index],
                [Text("axis.tip.diffusion.centre_first_use", term=term, date=row["first_date"], title=row["title"])],
            )
    ax.set_xlabel(bilingual("axis.diffusion.year"))
    ax.set_ylabel(bilingual("axis.diffusion.provinces"))
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=8, frameon=False, ncol=min(4, len(terms)), loc="lower center", bbox_to_anchor=(0.5, 1.0))


def draw_lag(data: pd.DataFrame, fig) -> None:
    ax = fig.add_subplot()
    terms = [t for t in dict.fromkeys(data["term"]) if (data[(data["term"] == t)]["level"] == "centre").any()]
    for position, term in enumerate(reversed(terms)):
        rows = data[(data["term"] == term) & (data["level"] == "local")]
        lags = [int(v) for v in rows["lag_years"]]
        for (row_index, row), lag, tie in zip(
            rows.iterrows(), lags, (lags[:i].count(v) for i, v in enumerate(lags)), strict=False
        ):
            # provinces with the same lag side by side, not on top of each other
            offset = (tie - (lags.count(lag) - 1) / 2) * 0.16
            (point,) = ax.plot(
                [lag],
                [position + offset],
                marker="o",
                markersize=5,
                linestyle="none",
                color="#D55E00" if lag < 0 else "#0072B2" if lag > 0 else "#555555",
                alpha=0.8,
            )
            when = "before" if lag < 0 else "after" if lag > 0 else "same"
            link_marks(
                [point],
                [row_index],
                [
                    Text(
                        f"axis.tip.diffusion.lag_{when}",
                        term=term,
                        adopter=row["adopter"],
                        years=abs(lag),
                        date=row["first_date"],
                    )
                ],
            )
    ax.set_yticks(range(len(terms)), list(reversed(terms)))
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel(bilingual("axis.diffusion.lag"))
    ax.set_ylim(-0.7, len(terms) - 0.3)


def describe_adoption(data: pd.DataFrame) -> Text:
    parts = []
    for term, rows in data.groupby("term", sort=False):
        local = rows[rows["level"] == "local"]
        centre = rows[rows["level"] == "centre"]
        first = local["first_year"].min() if len(local) else Text("fig.diffusion.adoption.alt_none")
        one = "_one" if len(local) == 1 else ""  # 1 province, 2 provinces
        parts.append(
            Text(
                f"fig.diffusion.adoption.alt_term_centre{one}",
                term=term,
                count=len(local),
                first=first,
                centre=centre["first_year"].iloc[0],
            )
            if len(centre)
            else Text(f"fig.diffusion.adoption.alt_term{one}", term=term, count=len(local), first=first)
        )
    return Text("fig.diffusion.adoption.alt", terms=tuple(parts))


def describe_lag(data: pd.DataFrame) -> Text:
    local = data[(data["level"] == "local") & (data["lag_years"] != "")]
    parts = tuple(
        Text(
            "fig.diffusion.lag.alt_term",
            term=term,
            lags=Listed(
                tuple(f"{a} {int(lag):+d}" for a, lag in zip(rows["adopter"], rows["lag_years"], strict=True)),
                "text.comma_separator",
            ),
        )
        for term, rows in local.groupby("term", sort=False)
    )
    return Text("fig.diffusion.lag.alt", terms=parts)


def headline_adoption(data: pd.DataFrame) -> Text:
    local = data[data["level"] == "local"]
    widest = local.groupby("term", sort=False).size().sort_values(ascending=False)
    term = widest.index[0]
    return Text(
        "fig.diffusion.adoption.headline_one" if widest.iloc[0] == 1 else "fig.diffusion.adoption.headline",
        term=term,
        count=widest.iloc[0],
        first=local[local["term"] == term]["first_year"].min(),
    )


def headline_lag(data: pd.DataFrame) -> Text:
    local = data[(data["level"] == "local") & (data["lag_years"] != "")]
    first = (local["lag_years"].astype(int) < 0).sum()
    return Text("fig.diffusion.lag.headline", count=first, total=len(local))
