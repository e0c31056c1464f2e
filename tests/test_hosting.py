"""The site hosted under a sub-path, as on GitHub Pages or a university web space: a plain HTTP
server publishes _site/ at /some/prefix/ only, and a crawler follows every link, stylesheet,
script, image and font from the home pages of both editions, then asks for every file the site
has. Nothing may fail: a link that climbs above the prefix or starts at the server's root would."""

import http.server
import re
import threading
import urllib.error
import urllib.request
from collections import deque
from functools import partial
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
import pytest

PREFIX = "/some/prefix/"
LINKING = {
    "a": "href",
    "link": "href",
    "script": "src",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "form": "action",
}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


class UnderPrefix(http.server.SimpleHTTPRequestHandler):
    """Serves the site's folder at PREFIX and nothing anywhere else."""

    def translate_path(self, path):
        if not urlsplit(path).path.startswith(PREFIX):
            return str(Path(self.directory) / "__outside_the_prefix__")  # a 404
        return super().translate_path("/" + urlsplit(path).path[len(PREFIX) :])

    def log_message(self, *args):
        pass


@pytest.fixture
def served_under_prefix(built_site):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(UnderPrefix, directory=str(built_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    server.shutdown()
    server.server_close()


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, "", b""


def links_in(url: str, kind: str, body: bytes) -> list[str]:
    if kind == "text/html":
        tree = lxml.html.fromstring(body)
        found = [element.get(attribute) for tag, attribute in LINKING.items() for element in tree.iter(tag)]
        found += [m for style in tree.iter("style") for m in CSS_URL.findall(style.text or "")]
    elif kind == "text/css":
        found = CSS_URL.findall(body.decode("utf-8"))
    else:
        return []
    return [
        urldefrag(urljoin(url, link))[0]
        for link in found
        if link and not link.startswith(("data:", "mailto:", "javascript:"))
    ]


def test_every_page_asset_and_search_file_loads_under_a_sub_path(built_site, served_under_prefix):
    base = served_under_prefix
    origin = base[: -len(PREFIX)]
    queue, seen, broken, external = deque([base + "index.html", base + "zh/index.html"]), set(), [], set()
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        status, kind, body = fetch(url.split("?", 1)[0])
        if status != 200:
            broken.append(f"{url} ({status})")
            continue
        for link in links_in(url, kind, body):
            if not link.startswith(origin):
                external.add(link)  # another site: not this host's business
            elif link not in seen:
                queue.append(link)
    assert not broken, broken[:20]
    crawled = {urlsplit(u).path[len(PREFIX) :] for u in seen}
    pages = {str(p.relative_to(built_site)) for p in built_site.rglob("*.html")}
    # every page is reachable by links from a home page (Pagefind's own bundle is loaded by its
    # script; the not-found pages by the host, at addresses with nothing behind them)
    unreached = sorted(p for p in pages - crawled if not p.startswith("pagefind") and Path(p).name != "404.html")
    assert not unreached, unreached[:20]
    # and every file the site holds — search bundles, feeds, downloads, fonts — is served there
    for path in sorted(built_site.rglob("*")):
        if path.is_file() and str(path.relative_to(built_site)) not in crawled:
            status, _, _ = fetch(base + urllib.request.pathname2url(str(path.relative_to(built_site))))
            assert status == 200, path
    assert fetch(origin + "/index.html")[0] == 404  # the server really hosts only the prefix
