"""Policy tools coded in corpus texts with the codebook, next to the article's reported shares.

Each sentence of each text is coded with every sub-tool of data/codebook/policy-tools.yaml whose
patterns match it; a coded unit is one (sentence, sub-tool) pair. Shares are coded units of a
type (or sub-tool) as a percentage of all coded units of the group. The article's shares come
from hand coding of a different corpus (return-migrant entrepreneurship policies) and are shown
for orientation only.
"""
from __future__ import annotations

import pandas as pd

from pilotsite.analysis import Figure
from pilotsite.codebook import CODEBOOK, TYPES, coded_sentences, load_codebook

ARTICLE = "data/reported/return-migrant-entrepreneurship/tool-types.csv"
ARTICLE_SUB_TOOLS = "data/reported/return-migrant-entrepreneurship/sub-tools.csv"
# The article's names for the sub-tools it quantifies (data/reported/…/sub-tools.csv).
ARTICLE_NAMES = {"entrepreneurial-parks": "entrepreneurial park", "public-services": "public service",
                 "talent-training": "talent training", "social-security": "social security",
                 "business-barriers": "business barriers", "e-commerce": "e-commerce",
                 "financial-services": "financial service", "tax-and-fee-reductions": "reduced taxes and fees",
                 "demonstration": "demonstration drive"}
GROUPS = (("level", "central"), ("level", "local"), ("region", "east"), ("region", "central"), ("region", "west"))


def figures(catalog) -> list[Figure]:
    result = []
    for corpus in catalog.corpora.values():
        common = dict(kind="corpus", lang="en", documents=("return-migrant-entrepreneurship",))
        result.append(Figure(
            id=f"{corpus.id}-policy-tool-types", title=f"Coded policy-tool types by level and region: {corpus.title}",
            caption=("Share of coded units (sentence × sub-tool) by tool type, for central texts, local texts and local texts "
                     "by region; the last bar is the share Fan Yu et al. (2024) report for a different corpus."),
            params={"corpus": corpus.id}, compute=type_shares, draw=draw_types, describe=describe_types,
            headline=headline_types, size=(7.5, 4.2), primary_key=("group", "tool_type"),
            inputs=(*corpus.files, CODEBOOK, ARTICLE), **common))
        result.append(Figure(
            id=f"{corpus.id}-policy-sub-tools", title=f"Coded policy sub-tools, central vs local: {corpus.title}",
            caption=("Share of coded units by sub-tool in central and in local texts (codebook patterns, sentence units); "
                     "the data table also gives the shares of local texts by region and the article's reported shares."),
            params={"corpus": corpus.id}, compute=sub_tool_shares, draw=draw_sub_tools, describe=describe_sub_tools,
            size=(7.5, 7.0), primary_key=("sub_tool",), inputs=(*corpus.files, CODEBOOK, ARTICLE_SUB_TOOLS), **common))
    return result


_CODED: dict[tuple, pd.DataFrame] = {}  # both figures of a build code the same corpus once


def coded_units(inputs) -> pd.DataFrame:
    """One row per coded unit: text id, level, region, sentence number, tool type, sub-tool."""
    corpus = inputs.corpus(inputs.params["corpus"])
    inputs.require(CODEBOOK)
    tools = load_codebook(inputs.catalog.project)
    memo = (id(corpus), tools)
    if memo in _CODED:
        return _CODED[memo]
    rows = []
    for text in corpus.texts:
        for number, tool in coded_sentences(tools, text.sentences):
            rows.append((text.id, text.level, text.region, number, tool.tool_type, tool.id))
    _CODED[memo] = pd.DataFrame(rows, columns=["text_id", "level", "region", "sentence", "tool_type", "sub_tool"])
    return _CODED[memo]


def type_shares(inputs) -> pd.DataFrame:
    units = coded_units(inputs)
    rows = []
    for column, value in GROUPS:
        group = units[units[column] == value] if column == "level" else units[(units["level"] == "local") & (units["region"] == value)]
        total = len(group)
        label = value if column == "level" else f"local · {value}"
        for tool_type in TYPES:
            n = int((group["tool_type"] == tool_type).sum())
            rows.append({"group": label, "tool_type": tool_type, "coded_units": n, "total_units": total,
                         "share_pct": round(100 * n / total, 2) if total else 0.0, "source": "this corpus (codebook)"})
    article = inputs.reported(ARTICLE)
    for tool_type in TYPES:
        share = float(article[article["tool_type"] == tool_type]["share_pct"].iloc[0])
        rows.append({"group": "article (different corpus)", "tool_type": tool_type, "coded_units": "", "total_units": "",
                     "share_pct": share, "source": "Fan Yu et al. (2024), hand-coded return-migrant policies"})
    return pd.DataFrame(rows)


def sub_tool_shares(inputs) -> pd.DataFrame:
    units = coded_units(inputs)
    tools = load_codebook(inputs.catalog.project)
    article = inputs.reported(ARTICLE_SUB_TOOLS)
    reported = {row["sub_tool"]: row["share_pct"] for _, row in article.iterrows()}
    rows = []
    # central and local texts, then local texts by region
    masks = {"central": units["level"] == "central", "local": units["level"] == "local"}
    masks.update({f"local_{r}": (units["level"] == "local") & (units["region"] == r) for r in ("east", "central", "west")})
    totals = {name: int(mask.sum()) for name, mask in masks.items()}
    for tool in tools:
        row = {"tool_type": tool.tool_type, "sub_tool": tool.id, "label": tool.label}
        for name, mask in masks.items():
            n = int((mask & (units["sub_tool"] == tool.id)).sum())
            row[f"units_{name}"] = n
            row[f"share_{name}_pct"] = round(100 * n / totals[name], 2) if totals[name] else 0.0
        row["article_share_pct"] = reported.get(ARTICLE_NAMES.get(tool.id, ""), "")
        rows.append(row)
    return pd.DataFrame(rows)


def draw_types(data: pd.DataFrame, fig) -> None:
    ax = fig.add_subplot()
    groups = list(dict.fromkeys(data["group"]))
    colours = {"supply": "#0072B2", "demand": "#E69F00", "environment": "#009E73"}
    left = [0.0] * len(groups)
    for tool_type in TYPES:
        values = [float(data[(data["group"] == g) & (data["tool_type"] == tool_type)]["share_pct"].iloc[0]) for g in groups]
        ax.barh(groups[::-1], values[::-1], left=left[::-1], color=colours[tool_type], label=tool_type)
        left = [a + b for a, b in zip(left, values)]
    ax.set_xlabel("% of coded units")
    ax.set_xlim(0, 101)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)


def draw_sub_tools(data: pd.DataFrame, fig) -> None:
    ax = fig.add_subplot()
    rows = data.iloc[::-1]
    positions = range(len(rows))
    ax.barh([p + 0.2 for p in positions], rows["share_central_pct"], height=0.4, color="#0072B2", label="central")
    ax.barh([p - 0.2 for p in positions], rows["share_local_pct"], height=0.4, color="#D55E00", label="local")
    ax.set_yticks(list(positions), [f"{l} ({t})" for l, t in zip(rows["label"], rows["tool_type"])], fontsize=8)
    ax.set_xlabel("% of coded units")
    ax.legend(frameon=False)


def describe_types(data: pd.DataFrame) -> str:
    parts = []
    for group, rows in data.groupby("group", sort=False):
        parts.append(f"{group}: " + ", ".join(f"{t} {s:g}%" for t, s in zip(rows["tool_type"], rows["share_pct"])))
    return "Stacked bars of tool-type shares. " + "; ".join(parts) + "."


def describe_sub_tools(data: pd.DataFrame) -> str:
    return "Paired bars of sub-tool shares, central then local: " + "; ".join(
        f"{r['label']} {r['share_central_pct']:g}% / {r['share_local_pct']:g}%" for _, r in data.iterrows()) + "."


def headline_types(data: pd.DataFrame) -> str:
    rows = data[data["group"] == "local"]
    top = rows.sort_values("share_pct", ascending=False).iloc[0]
    return f"In local regulations, {top['tool_type']}-oriented tools are the largest type: {top['share_pct']:g} % of coded units."
