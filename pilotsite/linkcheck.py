"""Crawling a built site for internal links and images that do not resolve."""
from __future__ import annotations

import html
import os
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


def broken_links(site: Path, html_keys: dict[str, str] | None = None, cache_file: Path | None = None) -> list[str]:
    """'page: link' for every internal href/src whose file or #fragment is missing.

    html_keys (page path without .html -> content key of its HTML) and cache_file let pages
    whose HTML is unchanged reuse their links and ids from the previous check.
    """
    from .caching import KeyedMemo

    root = os.path.realpath(site)
    files = {os.path.join(folder, name) for folder, _, names in os.walk(root) for name in names}
    folders = {folder for folder, _, _ in os.walk(root)}
    keys = {os.path.join(root, f"{path}.html"): key for path, key in (html_keys or {}).items()}
    memo = KeyedMemo(cache_file)
    scanned = {}
    for page in sorted(f for f in files if f.endswith(".html")):
        key = keys.get(page)
        if key in memo.saved:
            links, ids = memo.saved[key]
            scanned[page] = (links, set(ids))
        else:
            scanned[page] = _scan(Path(page))
        if key:
            memo.keep(key, [scanned[page][0], sorted(scanned[page][1])])
    memo.save()
    problems = []
    for page, (links, _) in scanned.items():
        for link in links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue
            # String arithmetic, not Path.resolve(): the pages hold tens of thousands of links.
            target = os.path.normpath(os.path.join(os.path.dirname(page), unquote(parts.path))) if parts.path else page
            problem = ""
            if not (target + os.sep).startswith(root + os.sep):
                problem = "points outside the site"
            elif target in folders:
                problem = "a folder; links must name index.html to work from disk"
            elif target not in files:
                problem = "missing file"
            elif parts.fragment and target.endswith(".html"):
                if unquote(parts.fragment) not in scanned[target][1]:
                    problem = f"no element with id '{parts.fragment}'"
            if problem:
                problems.append(f"{os.path.relpath(page, root)}: {link} ({problem})")
    return problems
