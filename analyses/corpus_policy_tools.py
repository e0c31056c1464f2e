"""Policy tools coded in corpus texts with the codebook, next to the article's reported shares.

Each sentence of each text is coded with every sub-tool of data/codebook/policy-tools.yaml whose
patterns match it; a coded unit is one (sentence, sub-tool) pair (coded once per text and
cached with the texts' segmentation). Shares are coded units of a type (or sub-tool) as a
percentage of all coded units of the group, for the groups of every \
grouping the corpus declares. The article's shares come
from hand coding of a different corpus (return-migrant entrepreneurship policies) and are shown
for orientation only.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import pandas as pd

from pilotsite.api import (
    CODEBOOK,
    LANGUAGES,
    TYPES,
    Figure,
    Listed,
    NotDrawn,
    Text,
    Translated,
    bilingual,
    bilingual_value,
    corpus_value,
    link_marks,
    load_codebook,
    named,
    value_names,
)

ARTICLE_DOCUMENT = "return-migrant-entrepreneurship"  # where withdrawn, the figures are drawn without its shares
ARTICLE_GROUP = "article (different corpus)"  # the article's bar, as data.csv and the image name it
ARTICLE = "data/reported/return-migrant-entrepreneurship/tool-types.csv"
ARTICLE_SUB_TOOLS = "data/reported/return-migrant-entrepreneurship/sub-tools.csv"
# The article's names for the sub-tools it quantifies (data/reported/…/sub-tools.csv).
ARTICLE_NAMES = {
    "entrepreneurial-parks": "entrepreneurial park",
    "public-services": "public service",
    "talent-training": "talent training",
    "social-security": "social security",
    "business-barriers": "business barriers",
    "e-commerce": "e-commerce",
    "financial-services": "financial service",
    "tax-and-fee-reductions": "reduced taxes and fees",
    "demonstration": "demonstration drive",
}
MAX_GROUPS = 12  # groups of one grouping shown in the type figure; the largest are kept


def figures(catalog) -> list[Figure | NotDrawn]:
    result: list[Figure | NotDrawn] = []
    with_article = ARTICLE_DOCUMENT in catalog.documents
    # a site without the article says so in the parameters (a site with it keeps the keys it had)
    article: dict[str, Any] = {} if with_article else {"article": False}
    caption = "caption" if with_article else "caption_alone"
    for corpus in catalog.corpora.values():
        common: dict[str, Any] = dict(kind="corpus", lang="en", documents=(ARTICLE_DOCUMENT,) if with_article else ())
        groupings = [g for g in corpus.groupings if g.filled]
        if not groupings:
            for suffix, key in (("policy-tool-types", "types"), ("policy-sub-tools", "sub_tools")):
                result.append(
                    NotDrawn(
                        f"{corpus.id}-{suffix}",
                        Text(f"fig.corpus_tools.{key}.not_drawn_title", corpus=corpus.name),
                        Text("fig.corpus_tools.no_groupings"),
                        corpus.id,
                    )
                )
            continue
        notes = tuple(
            Text("fig.corpus_tools.largest_note", grouping=g.name, shown=MAX_GROUPS, total=len(g.filled))
            for g in groupings
            if len(g.filled) > MAX_GROUPS
        )
        first = groupings[0]
        shown = shown_labels(groupings, catalog.project.settings.interface)
        tool_names = sub_tool_names(catalog)  # the codebook read once, for the sub-tools figure
        result.append(
            Figure(
                id=f"{corpus.id}-policy-tool-types",
                title=Text(
                    "fig.corpus_tools.types.title",
                    groupings=Listed(tuple(g.name for g in groupings), "text.comma_separator"),
                    corpus=corpus.name,
                ),
                caption=Text(f"fig.corpus_tools.types.{caption}"),
                params={"corpus": corpus.id, "groupings": [g.id for g in groupings], **article},
                compute=type_shares,
                # the alt text, headline and tooltips name the groups in each edition's words
                draw=functools.partial(draw_types, shown=shown),
                describe=functools.partial(describe_types, shown=shown),
                headline=functools.partial(headline_types, shown=shown),
                # a bar's label is two lines where the languages name its group differently
                size=(7.5, max(1.6 + 0.32 * bar_count(groupings), 0.45 * bar_count(groupings))),
                primary_key=("grouping", "group", "tool_type"),
                inputs=(*corpus.files, CODEBOOK, *([ARTICLE] if with_article else [])),
                notes=notes,
                drawn_names={"group": shown},  # the bars name each group in both languages
                **common,
            )
        )
        result.append(
            Figure(
                id=f"{corpus.id}-policy-sub-tools",
                title=Text("fig.corpus_tools.sub_tools.title", grouping=first.name, corpus=corpus.name),
                caption=Text(f"fig.corpus_tools.sub_tools.{caption}", grouping=first.name),
                params={"corpus": corpus.id, "groupings": [g.id for g in groupings], **article},
                compute=sub_tool_shares,
                draw=functools.partial(draw_sub_tools, names=tool_names, shown=shown),
                describe=functools.partial(describe_sub_tools, names=tool_names, shown=shown),
                size=(7.5, max(9.0, 0.4 * len(tool_names))),  # two lines a sub-tool
                primary_key=("grouping", "group", "sub_tool"),
                inputs=(*corpus.files, CODEBOOK, *([ARTICLE_SUB_TOOLS] if with_article else [])),
                # the legend names each group, the axis each sub-tool, in both languages
                drawn_names={"group": first_groups(groupings, shown), "sub_tool": tool_names},
                **common,
            )
        )
    return result


def first_groups(groupings, shown: Mapping[str, Translated]) -> dict[str, Translated]:
    """The names of the groups the sub-tools figure draws, its first grouping's (by their labels)."""
    written = group_labels(groupings)
    return {written[(groupings[0].id, g)]: shown[written[(groupings[0].id, g)]] for g in groupings[0].filled}


def sub_tool_names(catalog) -> dict[str, Translated]:
    """Each sub-tool's label in every edition, as the codebook gives it (label, label_zh)."""
    return {t.id: t.name for t in load_codebook(catalog.project)}


def bar_count(groupings) -> int:
    return sum(min(len(g.filled), MAX_GROUPS) for g in groupings) + 1


def group_labels(groupings) -> dict[tuple[str, str], str]:
    """(grouping id, group) -> a label unique in the figure: the group's own name ('local · east'),
    prefixed by its grouping where two groupings have a group of the same name (level and
    issuer tier both have 'central')."""
    labels, used = {}, set()
    for grouping in groupings:
        for group in grouping.filled:
            label = grouping.group_label(group)
            labels[(grouping.id, group)] = f"{grouping.label}: {label}" if label in used else label
            used.add(labels[(grouping.id, group)])
    return labels


def shown_labels(groupings, interface) -> dict[str, Translated]:
    """Each group's label (group_labels, as data.csv and the image have it) as each edition names
    it: the values and groupings the catalogues name (corpus.value.*, corpus.grouping.*) in the
    edition's words ('地方 · 东部'; in English too: a value 北京市 the English catalogue names
    Beijing is Beijing)."""
    written = group_labels(groupings)
    shown = {}
    for grouping in groupings:
        for group in grouping.filled:
            label = written[(grouping.id, group)]
            edition = {}
            for language in LANGUAGES:
                name = grouping.group_label(
                    group,
                    lambda column, value, language=language: str(
                        interface.resolve(corpus_value(interface, column, value), language)
                    ),
                )
                if label != grouping.group_label(group):  # prefixed by its grouping (group_labels)
                    name = str(
                        interface.text(
                            "fig.corpus_tools.group_of_grouping",
                            language,
                            grouping=interface.resolve(grouping.name, language),
                            group=name,
                        )
                    )
                edition[language] = name
            shown[label] = Translated(tuple(edition.items()))
    article = (
        (language, str(interface.text("fig.corpus_tools.article_group", language))) for language in LANGUAGES[1:]
    )
    shown[ARTICLE_GROUP] = Translated(((LANGUAGES[0], ARTICLE_GROUP), *article))
    return shown


def coded_counts(inputs) -> tuple[dict, list]:
    """Coded units by (grouping id, group, sub-tool), and the groupings with their groups, read
    text by text from the per-text coding cache."""
    p = inputs.params
    corpus = inputs.corpus(p["corpus"])
    groupings = [corpus.grouping(g) for g in p["groupings"]]
    group_of = {g.id: {text_id: value for value, ids in g.members.items() for text_id in ids} for g in groupings}
    counts: dict[tuple[str, str, str], int] = {}
    for text, units in inputs.corpus_coded(p["corpus"]):
        for grouping in groupings:
            group = group_of[grouping.id].get(text.id)
            if group is None:
                continue
            for _, tool_id in units:
                counts[(grouping.id, group, tool_id)] = counts.get((grouping.id, group, tool_id), 0) + 1
    return counts, groupings


def type_shares(inputs) -> pd.DataFrame:
    counts, groupings = coded_counts(inputs)
    tools = load_codebook(inputs.catalog.project)
    type_of = {t.id: t.tool_type for t in tools}
    labels = group_labels(groupings)
    rows = []
    for grouping in groupings:
        for group in grouping.filled:
            by_type = {tool_type: 0 for tool_type in TYPES}
            for (grouping_id, value, tool_id), n in counts.items():
                if grouping_id == grouping.id and value == group:
                    by_type[type_of[tool_id]] += n
            total = sum(by_type.values())
            for tool_type in TYPES:
                n = by_type[tool_type]
                rows.append(
                    {
                        "grouping": grouping.id,
                        "group": labels[(grouping.id, group)],
                        "tool_type": tool_type,
                        "coded_units": n,
                        "total_units": total,
                        "texts": len(grouping.members[group]),
                        "share_pct": round(100 * n / total, 2) if total else 0.0,
                        "source": "this corpus (codebook)",
                    }
                )
    if not inputs.params.get("article", True):
        return pd.DataFrame(rows)
    article = inputs.reported(ARTICLE)
    for tool_type in TYPES:
        reported = article.loc[article["tool_type"] == tool_type, "share_pct"]
        if reported.empty:  # a type the article gives no share of: its bar goes without it
            continue
        share = float(reported.iloc[0])
        rows.append(
            {
                "grouping": "article",
                "group": ARTICLE_GROUP,
                "tool_type": tool_type,
                "coded_units": "",
                "total_units": "",
                "texts": "",
                "share_pct": share,
                "source": "Fan Yu et al. (2024), hand-coded return-migrant policies",
            }
        )
    return pd.DataFrame(rows)


def sub_tool_shares(inputs) -> pd.DataFrame:
    counts, groupings = coded_counts(inputs)
    tools = load_codebook(inputs.catalog.project)
    reported = {}
    if inputs.params.get("article", True):
        article = inputs.reported(ARTICLE_SUB_TOOLS)
        reported = {row["sub_tool"]: row["share_pct"] for _, row in article.iterrows()}
    labels = group_labels(groupings)
    rows = []
    for grouping in groupings:
        for group in grouping.filled:
            total = sum(n for (g, value, _), n in counts.items() if g == grouping.id and value == group)
            for tool in tools:
                n = counts.get((grouping.id, group, tool.id), 0)
                rows.append(
                    {
                        "grouping": grouping.id,
                        "group": labels[(grouping.id, group)],
                        "tool_type": tool.tool_type,
                        "sub_tool": tool.id,
                        "label": tool.label,
                        "units": n,
                        "total_units": total,
                        "share_pct": round(100 * n / total, 2) if total else 0.0,
                        "article_share_pct": reported.get(ARTICLE_NAMES.get(tool.id, ""), ""),
                    }
                )
    return pd.DataFrame(rows)


def shown_groups(data: pd.DataFrame) -> list[str]:
    """The groups a figure draws: per grouping, the MAX_GROUPS with most texts (in their order)."""
    shown = []
    for grouping, rows in data.groupby("grouping", sort=False):
        groups = list(dict.fromkeys(rows["group"]))
        if grouping != "article" and len(groups) > MAX_GROUPS:
            texts = dict(zip(rows["group"], pd.to_numeric(rows["texts"]), strict=False))
            keep = set(sorted(groups, key=lambda g: (-texts[g], groups.index(g)))[:MAX_GROUPS])
            groups = [g for g in groups if g in keep]
        shown += groups
    return shown


def draw_types(data: pd.DataFrame, fig, shown: Mapping[str, Translated] | None = None) -> None:
    """shown: each group's label in every edition (shown_labels), for the tooltips; the bars are
    drawn once for both editions and name the groups in both (the figure's drawn_names)."""
    ax = fig.add_subplot()
    groups = shown_groups(data)
    names = [bilingual_value("group", g) for g in groups]
    colours = {"supply": "#0072B2", "demand": "#E69F00", "environment": "#009E73"}
    left = [0.0] * len(groups)
    for tool_type in TYPES:
        # a group may lack a type (the article's, where it reports no share of it): no mark there
        found = [data[(data["group"] == g) & (data["tool_type"] == tool_type)] for g in groups]
        values = [float(rows["share_pct"].iloc[0]) if len(rows) else 0.0 for rows in found]
        bars = ax.barh(
            names[::-1],
            values[::-1],
            left=left[::-1],
            color=colours[tool_type],
            label=bilingual(f"axis.tool_type.{tool_type}", joiner=" "),
        )
        for bar, rows in zip(bars, found[::-1], strict=True):
            bar.set_visible(len(rows) > 0)
        drawn = [(bar, rows.iloc[0]) for bar, rows in zip(bars, found[::-1], strict=True) if len(rows)]
        rows = [row for _, row in drawn]
        link_marks(
            [bar for bar, _ in drawn],
            [row.name for row in rows],
            [
                Text(
                    "axis.tip.corpus_tools.type",
                    group=(shown or {}).get(row["group"], row["group"]),
                    type=tool_type,
                    share=f"{float(row['share_pct']):g}",
                    count=row["coded_units"],
                    total=row["total_units"],
                )
                for row in rows
            ],
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_xlabel(bilingual("axis.share_of_coded_units"))
    ax.set_xlim(0, 101)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)


def draw_sub_tools(
    data: pd.DataFrame,
    fig,
    names: dict[str, Translated] | None = None,
    shown: Mapping[str, Translated] | None = None,
) -> None:
    """Bars per sub-tool for the groups of the first grouping (at most four, the largest); names:
    as for describe_sub_tools, for the tooltips (the axis names each as the data does); shown: as
    for draw_types."""
    ax = fig.add_subplot()
    first = data[data["grouping"] == data["grouping"].iloc[0]].rename_axis("position").reset_index()
    totals = {g: pd.to_numeric(rows["total_units"]).iloc[0] for g, rows in first.groupby("group", sort=False)}
    groups = [g for g in totals if g in set(sorted(totals, key=lambda g: -totals[g])[:4])]
    tools = list(dict.fromkeys(first["sub_tool"]))[::-1]
    height = 0.8 / len(groups)
    colours = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")
    for index, (group, colour) in enumerate(zip(groups, colours, strict=False)):
        rows = first[first["group"] == group].set_index("sub_tool")
        offset = 0.4 - height * (index + 0.5)
        bars = ax.barh(
            [p + offset for p in range(len(tools))],
            [float(rows.loc[t, "share_pct"]) for t in tools],
            height=height,
            color=colour,
            label=bilingual_value("group", group, " "),
        )
        # each bar leads to the sentences coded as its sub-tool
        link_marks(
            bars,
            [int(rows.loc[t, "position"]) for t in tools],
            [
                Text(
                    "axis.tip.corpus_tools.sub_tool",
                    label=(names or {}).get(str(t), rows.loc[t, "label"]),
                    group=(shown or {}).get(group, group),
                    share=f"{float(rows.loc[t, 'share_pct']):g}",
                    count=rows.loc[t, "units"],
                    total=rows.loc[t, "total_units"],
                )
                for t in tools
            ],
        )
    labels = first.drop_duplicates("sub_tool").set_index("sub_tool")
    ax.set_yticks(
        list(range(len(tools))),
        [
            bilingual(
                "axis.corpus_tools.sub_tool",
                label=value_names("sub_tool", str(t), str(labels.loc[t, "label"])),
                type=tool_type_word(str(labels.loc[t, "tool_type"])),
            )
            for t in tools
        ],
        fontsize=8,
    )
    ax.set_xlabel(bilingual("axis.share_of_coded_units"))
    ax.legend(frameon=False)


def tool_type_word(tool_type: str) -> Text | str:
    """A tool type as the sub-tools' axis names it (supply, 供给型); one the catalogues lack as written."""
    return Text(f"axis.tool_type_word.{tool_type}") if tool_type in TYPES else tool_type


def describe_types(data: pd.DataFrame, shown: Mapping[str, Translated] | None = None) -> Text:
    parts = []
    for group, rows in data.groupby("group", sort=False):
        shares = tuple(
            Text("fig.corpus_tools.types.alt_share", type=named("tool_type_word", t, TYPES), share=f"{float(s):g}")
            for t, s in zip(rows["tool_type"], rows["share_pct"], strict=True)
        )
        parts.append(
            Text(
                "fig.corpus_tools.types.alt_group",
                group=(shown or {}).get(group, group),
                shares=Listed(shares, "text.comma_separator"),
            )
        )
    return Text("fig.corpus_tools.types.alt", groups=tuple(parts))


def describe_sub_tools(
    data: pd.DataFrame, names: dict[str, Translated] | None = None, shown: Mapping[str, Translated] | None = None
) -> Text:
    """names: each sub-tool's label in every edition (the codebook's label_zh), by its id; shown:
    each group's (shown_labels)."""
    first = data[data["grouping"] == data["grouping"].iloc[0]]
    parts = []
    for tool, rows in first.groupby("sub_tool", sort=False):
        shares = " / ".join(f"{float(s):g}%" for s in rows["share_pct"])
        label = (names or {}).get(str(tool), rows["label"].iloc[0])
        parts.append(Text("fig.corpus_tools.sub_tools.alt_tool", tool=label, shares=shares))
    groups = Listed(tuple((shown or {}).get(g, g) for g in dict.fromkeys(first["group"])), "text.slash_separator")
    return Text("fig.corpus_tools.sub_tools.alt", groups=groups, tools=tuple(parts))


def headline_types(data: pd.DataFrame, shown: Mapping[str, Translated] | None = None) -> Text:
    """The largest tool type in the largest group of the first grouping."""
    first = data[data["grouping"] == data["grouping"].iloc[0]]
    group = max(dict.fromkeys(first["group"]), key=lambda g: float(first[first["group"] == g]["total_units"].iloc[0]))
    top = first[first["group"] == group].sort_values("share_pct", ascending=False).iloc[0]
    return Text(
        "fig.corpus_tools.types.headline",
        group=(shown or {}).get(group, group),
        type=named("tool_type_word", top["tool_type"], TYPES),
        share=f"{float(top['share_pct']):g}",
    )
