"""Crawling a built site for internal links and images that do not resolve."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

# The pages are generated (pandoc and Jinja2 both write double-quoted attributes), so a
# regular expression over attributes is exact here and several times faster than a parser.
ATTRIBUTE = re.compile(r'\s(href|src|id)="([^"]*)"')


FOLDER_LINK = "a folder; links must name index.html to work from disk"
SEPARATOR = "\0"  # between the links (and the ids) of a page, in the memo: one string each keeps it small


def _scan(path: Path) -> tuple[str, str]:
    """The page's links and its ids, each joined into one string."""
    links: list[str] = []
    ids: list[str] = []
    for name, value in ATTRIBUTE.findall(path.read_text(encoding="utf-8")):
        (ids if name == "id" else links).append(html.unescape(value))
    return SEPARATOR.join(links), SEPARATOR.join(ids)


def broken_links(
    site: Path,
    html_keys: dict[str, str] | None = None,
    cache_file: Path | None = None,
    being_written: tuple[str, ...] = (),
    written: Callable[[], object] = lambda: None,
) -> list[str]:
    """'page: link' for every internal href/src whose file or #fragment is missing.

    html_keys (page path without .html -> content key of its HTML) and cache_file let pages
    whose HTML is unchanged reuse their links and ids from the previous check. Ids are split
    into sets only for the pages a #fragment points into, so a site of many thousands of pages
    is checked in little memory.

    being_written: folders of the site (relative, with /) that another thread is writing while
    this one checks (the search bundles: pipeline.py), which hold no page; links into them are
    checked once written() has returned.
    """
    from pilotsite.state.caching import KeyedMemo

    root = os.path.realpath(site)
    later = tuple(os.path.join(root, folder.strip("/")) + os.sep for folder in being_written)
    files: set[str] = set()
    folders: set[str] = set()
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [f for f in subfolders if os.path.join(folder, f) + os.sep not in later]
        folders.add(folder)
        files.update(os.path.join(folder, name) for name in names)
    keys = {os.path.join(root, f"{path}.html"): key for path, key in (html_keys or {}).items()}
    memo = KeyedMemo(cache_file)
    scanned: dict[str, tuple[str, str]] = {}
    for page in sorted(f for f in files if f.endswith(".html")):
        key = keys.get(page)
        scanned[page] = tuple(memo.saved[key]) if key in memo.saved else _scan(Path(page))
        if key:
            memo.keep(key, list(scanned[page]))
    memo.save()
    fragments: list[tuple[str, str, str, str]] = []  # (target, fragment, page, link), checked target by target below
    deferred: list[tuple[str, str, str]] = []  # (target, page, link) in a folder being written
    problems = []
    for page, (links, _) in scanned.items():
        for link in links.split(SEPARATOR) if links else ():
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue
            # String arithmetic, not Path.resolve(): the pages hold tens of thousands of links.
            target = os.path.normpath(os.path.join(os.path.dirname(page), unquote(parts.path))) if parts.path else page
            problem = ""
            if not (target + os.sep).startswith(root + os.sep):
                problem = "points outside the site"
            elif later and (target + os.sep).startswith(later):
                deferred.append((target, page, link))
            elif target in folders:
                problem = FOLDER_LINK
            elif target not in files:
                problem = "missing file"
            elif parts.fragment and target.endswith(".html"):
                fragments.append((target, unquote(parts.fragment), page, link))
            if problem:
                problems.append(f"{os.path.relpath(page, root)}: {link} ({problem})")
    written()
    for target, page, link in deferred:
        if not os.path.isfile(target):
            problem = FOLDER_LINK if os.path.isdir(target) else "missing file"
            problems.append(f"{os.path.relpath(page, root)}: {link} ({problem})")
    fragments.sort()
    ids, current = set(), ""
    for target, fragment, page, link in fragments:
        if target != current:
            ids, current = set(scanned[target][1].split(SEPARATOR)), target
        if fragment not in ids:
            problems.append(f"{os.path.relpath(page, root)}: {link} (no element with id '{fragment}')")
    return sorted(problems)
