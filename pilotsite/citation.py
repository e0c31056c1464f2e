"""How to cite one figure: an APA-style line and a BibTeX entry."""
from __future__ import annotations

import re
from dataclasses import dataclass

BIBTEX_SPECIAL = re.compile(r"([\\{}&%$#_~^])")


@dataclass(frozen=True)
class Citation:
    apa: str
    bibtex: str
    url: str


def bibtex_escape(text: str) -> str:
    def replace(match: re.Match) -> str:
        char = match.group(1)
        return {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}.get(char, "\\" + char)
    return BIBTEX_SPECIAL.sub(replace, " ".join(text.split()))


def apa_authors(authors: tuple[str, ...]) -> str:
    if len(authors) == 1:
        return authors[0]
    return ", ".join(authors[:-1]) + ", & " + authors[-1]


def cite_figure(*, figure_id: str, title: str, authors: tuple[str, ...], date: str, site_title: str,
                url: str, sources: list[str]) -> Citation:
    year = date[:4]
    apa = f"{apa_authors(authors)} ({year}). {title} [Figure {figure_id}]. {site_title}. {url}"
    fields = {
        "author": " and ".join(authors),
        "title": "{" + bibtex_escape(title) + "}",
        "year": year,
        "date": date,
        "howpublished": bibtex_escape(site_title),
        "url": url,
        "note": bibtex_escape(f"Figure {figure_id}. Based on: " + "; ".join(sources)),
    }
    body = ",\n".join(f"  {key} = {{{value}}}" for key, value in fields.items())
    key = "pilotsite-" + re.sub(r"[^a-z0-9]+", "-", figure_id)
    return Citation(apa=apa, bibtex=f"@misc{{{key},\n{body}\n}}\n", url=url)
