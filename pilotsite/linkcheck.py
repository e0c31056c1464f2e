"""Crawling a built site for internal links and images that do not resolve."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) is not None and not (tag == "link" and attrs.get("rel") in ("canonical",)):
                self.links.append(attrs[name])


def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def broken_links(site: Path) -> list[str]:
    """'page: link' for every internal href/src whose file or #fragment is missing."""
    site = site.resolve()
    parsed = {p: _parse(p) for p in sorted(site.rglob("*.html"))}
    problems = []
    for page, collector in parsed.items():
        for link in collector.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("mailto:"):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
            where = f"{page.relative_to(site).as_posix()}: {link}"
            if not str(target).startswith(str(site)):
                problems.append(f"{where} (points outside the site)")
            elif target.is_dir():
                problems.append(f"{where} (a folder; links must name index.html to work from disk)")
            elif not target.is_file():
                problems.append(f"{where} (missing file)")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed.get(target, None) or _parse(target)
                if unquote(parts.fragment) not in ids.ids:
                    problems.append(f"{where} (no element with id '{parts.fragment}')")
    return problems
