"""Crawling a built site for internal links and images that do not resolve."""
from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

# The pages are generated (pandoc and Jinja2 both write double-quoted attributes), so a
# regular expression over attributes is exact here and several times faster than a parser.
ATTRIBUTE = re.compile(r'\s(href|src|id)="([^"]*)"')


def _scan(path: Path) -> tuple[list[str], set[str]]:
    links, ids = [], set()
    for name, value in ATTRIBUTE.findall(path.read_text(encoding="utf-8")):
        value = html.unescape(value)
        if name == "id":
            ids.add(value)
        else:
            links.append(value)
    return links, ids


def broken_links(site: Path) -> list[str]:
    """'page: link' for every internal href/src whose file or #fragment is missing."""
    site = site.resolve()
    scanned = {p: _scan(p) for p in sorted(site.rglob("*.html"))}
    problems = []
    for page, (links, _) in scanned.items():
        for link in links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            where = f"{page.relative_to(site).as_posix()}: {link}"
            if not target.is_relative_to(site):
                problems.append(f"{where} (points outside the site)")
            elif target.is_dir():
                problems.append(f"{where} (a folder; links must name index.html to work from disk)")
            elif not target.is_file():
                problems.append(f"{where} (missing file)")
            elif parts.fragment and target.suffix == ".html":
                ids = scanned[target][1] if target in scanned else _scan(target)[1]
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{where} (no element with id '{parts.fragment}')")
    return problems
