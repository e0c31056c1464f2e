"""Case timelines: dated events and ordered (undated) stages, each quoted from its document.

Dates may be partial or fuzzy: an event spans date_start..date_end (YYYY, YYYY-MM or
YYYY-MM-DD) and is marked approximate when the document's wording is ("late 1990's").
Processes the documents narrate without dates are drawn as ordered stages, never given
invented dates.
"""

from __future__ import annotations

import textwrap

import pandas as pd

from pilotsite.api import EVENTS, STAGES, Figure, Text, bilingual, bilingual_value, link_marks

EVENT_COLUMNS = ["event_id", "document_id", "date_start", "date_end", "approximate", "date_text", "label", "quote"]
STAGE_COLUMNS = ["process_id", "document_id", "process_label", "step", "label", "quote"]
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")


def figures(catalog) -> list[Figure]:
    result = []
    events = catalog.events
    for doc_id in sorted(events["document_id"].unique()):
        doc = catalog.documents[doc_id]
        result.append(
            Figure(
                id=f"{doc_id}-timeline",
                title=Text("fig.timelines.document.title", document=doc.short_titles),
                caption=Text("fig.timelines.document.caption"),
                kind="timeline",
                documents=(doc_id,),
                inputs=(EVENTS, doc.text_path),
                params={"documents": [doc_id]},
                compute=dated_events,
                draw=draw_events,
                describe=describe_events,
                headline=headline_events,
                size=(7.0, 1.6 + 0.45 * int((events["document_id"] == doc_id).sum())),
                primary_key=("event_id",),
            )
        )
    for process_id, steps in catalog.stages.groupby("process_id", sort=True):
        doc = catalog.documents[steps["document_id"].iloc[0]]
        result.append(
            Figure(
                id=f"{process_id}-stages",
                title=Text("fig.timelines.stages.title", process=steps["process_label"].iloc[0]),
                caption=Text("fig.timelines.stages.caption"),
                kind="timeline",
                documents=(doc.id,),
                inputs=(STAGES, doc.text_path),
                params={"process": process_id},
                compute=process_stages,
                draw=draw_stages,
                describe=describe_stages,
                headline=headline_stages,
                size=(7.0, 1.0 + 0.62 * len(steps)),
                primary_key=("step",),
            )
        )
    dated_docs = sorted(events["document_id"].unique())
    if not dated_docs:  # a site without dated events has no combined timeline
        return result
    result.append(
        Figure(
            id="case-timelines-combined",
            title=Text("fig.timelines.combined.title"),
            caption=Text("fig.timelines.combined.caption"),
            kind="timeline",
            documents=tuple(dated_docs),
            inputs=(EVENTS, *(catalog.documents[d].text_path for d in dated_docs)),
            params={"documents": dated_docs},
            compute=dated_events,
            draw=draw_events,
            describe=describe_events,
            size=(7.5, 1.6 + 0.45 * len(events)),
            primary_key=("event_id",),
            # the legend names each document by its short title, in both languages
            drawn_names={"document_id": {d: catalog.documents[d].short_titles for d in dated_docs}},
        )
    )
    return result


def dated_events(inputs) -> pd.DataFrame:
    for doc_id in inputs.params["documents"]:
        inputs.document(doc_id)
    events = inputs.events()
    rows = events[events["document_id"].isin(inputs.params["documents"])]
    return rows[EVENT_COLUMNS].reset_index(drop=True)


def process_stages(inputs) -> pd.DataFrame:
    stages = inputs.stages()
    rows = stages[stages["process_id"] == inputs.params["process"]]
    inputs.document(rows["document_id"].iloc[0])
    return rows[STAGE_COLUMNS].sort_values("step").reset_index(drop=True)


def year_fraction(date: str, end: bool) -> float:
    """A partial date as a decimal year: the start of its span, or the end when end=True."""
    parts = [int(p) for p in str(date).split("-")]
    year = parts[0]
    month, day = (parts[1:] + [None, None])[:2]
    if month is None:
        return year + (1.0 if end else 0.0)
    if day is None:
        return year + (month if end else month - 1) / 12
    return year + (month - 1) / 12 + (day - (0 if end else 1)) / 365


def draw_events(data: pd.DataFrame, fig) -> None:
    """One row per event, top to bottom in time order; labels on the left, time axis below."""
    ax = fig.add_subplot()
    colour_of = {d: COLOURS[i % len(COLOURS)] for i, d in enumerate(sorted(data["document_id"].unique()))}
    starts = [year_fraction(d, False) for d in data["date_start"]]
    ends = [year_fraction(d, True) for d in data["date_end"]]
    rows = range(len(data))
    for i, (_, row) in zip(rows, data.iterrows(), strict=False):
        colour = colour_of[row["document_id"]]
        bars = ax.barh(
            i,
            max(ends[i] - starts[i], 0.15),
            left=starts[i],
            height=0.55,
            color=colour,
            alpha=0.5 if row["approximate"] else 0.95,
            hatch="///" if row["approximate"] else None,
            edgecolor=colour,
        )
        link_marks(bars, [i], [f"{row['date_text']}: {row['label']}"])  # leads to the quoted passage
    ax.set_yticks(
        list(rows), [textwrap.shorten(f"{r['label']} ({r['date_text']})", 70) for _, r in data.iterrows()], fontsize=8
    )
    ax.invert_yaxis()
    ax.set_xlim(min(starts) - 2, max(ends) + 2)
    ax.set_xlabel(bilingual("axis.timelines.year"))
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    if len(colour_of) > 1:
        from matplotlib.patches import Patch

        ax.legend(
            handles=[Patch(color=c, label=bilingual_value("document_id", d)) for d, c in colour_of.items()],
            fontsize=7,
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncol=min(len(colour_of), 3),
            frameon=False,
        )


def draw_stages(data: pd.DataFrame, fig) -> None:
    ax = fig.add_subplot()
    n = len(data)
    for i, (_, row) in enumerate(data.iterrows()):
        y = n - 1 - i
        ax.text(
            0.02,
            y,
            f"{row['step']}",
            ha="center",
            va="center",
            fontsize=10,
            color="white",
            bbox={"boxstyle": "circle", "facecolor": "#0072B2", "edgecolor": "#0072B2"},
        )
        label = ax.text(0.06, y, textwrap.fill(row["label"], 80), ha="left", va="center", fontsize=9)
        link_marks(
            [label], [i], [Text("axis.tip.timelines.stage", step=row["step"], label=row["label"])]
        )  # leads to the quoted passage
        if i < n - 1:
            ax.annotate(
                "", xy=(0.02, y - 0.62), xytext=(0.02, y - 0.38), arrowprops={"arrowstyle": "->", "color": "#555555"}
            )
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.6, n - 0.4)
    ax.axis("off")


def headline_events(data: pd.DataFrame) -> Text:
    return Text(
        "fig.timelines.events.headline_one" if len(data) == 1 else "fig.timelines.events.headline",
        count=len(data),
        first=data["date_text"].iloc[0],
        last=data["date_text"].iloc[-1],
    )


def headline_stages(data: pd.DataFrame) -> Text:
    return Text(
        "fig.timelines.stages.headline_one" if len(data) == 1 else "fig.timelines.stages.headline",
        count=len(data),
        first=data["label"].iloc[0],
        last=data["label"].iloc[-1],
    )


def describe_events(data: pd.DataFrame) -> Text:
    items = tuple(f"{row['date_text']}: {row['label']}" for _, row in data.iterrows())
    return Text(
        "fig.timelines.events.alt_one" if len(data) == 1 else "fig.timelines.events.alt", count=len(data), events=items
    )


def describe_stages(data: pd.DataFrame) -> Text:
    items = [f"{row['step']}. {row['label']}" for _, row in data.iterrows()]
    key = "fig.timelines.stages.alt_one" if len(data) == 1 else "fig.timelines.stages.alt"
    return Text(key, count=len(data), stages=" ".join(items))
