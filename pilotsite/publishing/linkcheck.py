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
OUTSIDE = "\1"  # in place of the target of a link that points outside the site
FIELD = "\x1f"  # between a link's target, fragment and text, in the memo
# The memo's file under .build/cache/: a new format gets a new name, and the build removes the
# files that earlier formats left (the full corpus's took tens of megabytes).
MEMO = "links-v3.json"
FORMER_MEMOS = ("links.json", "links-v2.json")


def _scan(path: Path, root: str) -> tuple[str, str]:
    """The page's internal links, each resolved, and its ids, each joined into one string. A link
    is "target FIELD fragment FIELD link as written", target relative to root (OUTSIDE for a link out
    of the site), so a page whose HTML is unchanged is checked again without parsing a URL."""
    links: list[str] = []
    ids: list[str] = []
    folder = os.path.dirname(path)
    for name, value in ATTRIBUTE.findall(path.read_text(encoding="utf-8")):
        value = html.unescape(value)
        if name == "id":
            ids.append(value)
            continue
        parts = urlsplit(value)
        if parts.scheme or parts.netloc:
            continue
        # String arithmetic, not Path.resolve(): the pages hold hundreds of thousands of links.
        target = os.path.normpath(os.path.join(folder, unquote(parts.path))) if parts.path else str(path)
        inside = (target + os.sep).startswith(root + os.sep)
        relative = target[len(root) + 1 :] if inside else OUTSIDE
        links.append(f"{relative}{FIELD}{unquote(parts.fragment)}{FIELD}{value}")
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
    whose HTML is unchanged reuse their resolved links and ids from the previous check. Ids are
    split into sets only for the pages a #fragment points into, so a site of many thousands of
    pages is checked in little memory.

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
    keys = {os.path.join(root, f"{path}.html"): f"{path}\n{key}" for path, key in (html_keys or {}).items()}
    memo = KeyedMemo(cache_file)
    scanned: dict[str, tuple[str, str]] = {}
    for page in sorted(f for f in files if f.endswith(".html")):
        key = keys.get(page)  # with the page's path: its links are resolved from where it is
        scanned[page] = tuple(memo.saved[key]) if key in memo.saved else _scan(Path(page), root)
        if key:
            memo.keep(key, list(scanned[page]))
    memo.save()
    fragments: list[tuple[str, str, str, str]] = []  # (target, fragment, page, link), checked target by target below
    deferred: list[tuple[str, str, str]] = []  # (target, page, link) in a folder being written
    problems = []
    prefix = root + os.sep
    for page, (links, _) in scanned.items():
        for entry in links.split(SEPARATOR) if links else ():
            relative, fragment, link = entry.split(FIELD, 2)
            target = prefix + relative if relative else root
            problem = ""
            if relative == OUTSIDE:
                problem = "points outside the site"
            elif later and (target + os.sep).startswith(later):
                deferred.append((target, page, link))
            elif target in folders:
                problem = FOLDER_LINK
            elif target not in files:
                problem = "missing file"
            elif fragment and target.endswith(".html"):
                fragments.append((target, fragment, page, link))
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
