#!/usr/bin/env python3
"""Bytes a reader's browser transfers for the home page and a figure page, measured in Chromium.

    python bench/page_weight.py [--site _site] [--figure return-migrant-tool-types]
    python bench/page_weight.py --quick    # builds a copy with corpora cut to 12 texts and weighs that

Serves the built site on a local port, opens each page in headless Chromium with an empty
cache, waits for the page, its images and its web fonts, and sums what the Performance API
reports for the document and every resource it loaded (HTML, CSS, JS, fonts, images):
transferSize (bytes on the wire, headers included; the local server does not compress) and
encodedBodySize (bodies only). The search index (pagefind/) is excluded: it is fetched only on
the search page, in pieces, as a query needs them. Lazy images below the fold are not loaded
and not counted, as for a reader who does not scroll. Target: under 500 KB per page.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 500 * 1024


def measure(site: Path, pages: list[str]) -> list[tuple[str, int, int, list[tuple[str, int]]]]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    results = []
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        for page in pages:
            driver.get(f"http://127.0.0.1:{server.server_address[1]}/{page}")
            WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
            driver.execute_async_script("const done = arguments[0]; document.fonts.ready.then(() => done(true));")
            entries = driver.execute_script("""
                const all = performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'));
                return all.map(e => [e.name, e.transferSize, e.encodedBodySize]);""")
            counted = [(name, transfer, body) for name, transfer, body in entries if "/pagefind/" not in name]
            results.append((page, sum(t for _, t, _ in counted), sum(b for _, _, b in counted),
                            [(name.split("/", 3)[-1], body) for name, _, body in counted]))
    finally:
        driver.quit()
        server.shutdown()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, default=ROOT / "_site", help="the built site (default: _site)")
    parser.add_argument("--figure", default="return-migrant-tool-types", help="the figure page to weigh")
    parser.add_argument("--quick", action="store_true", help="weigh a fresh build of a copy with corpora cut to a few texts")
    args = parser.parse_args()
    if args.quick:
        from project_copy import QUICK_TEXTS, copy_project

        with tempfile.TemporaryDirectory() as scratch:
            project = copy_project(Path(scratch) / "project", QUICK_TEXTS)
            subprocess.run([sys.executable, "build.py"], cwd=project, check=True, stdout=subprocess.DEVNULL,
                           env=os.environ | {"PILOTSITE_TOKEN_CACHE": str(project / ".build/cache/tokens")})
            return weigh(project / "_site", args.figure)
    return weigh(args.site, args.figure)


def weigh(site: Path, figure: str) -> int:
    args = argparse.Namespace(site=site, figure=figure)
    if not (args.site / "index.html").is_file():
        print(f"{args.site} holds no built site; run python build.py first", file=sys.stderr)
        return 1
    over = False
    for page, transfer, body, files in measure(args.site, ["index.html", f"figures/{args.figure}/index.html"]):
        print(f"{page}: {transfer / 1024:.1f} KB transferred ({body / 1024:.1f} KB of bodies) in {len(files)} "
              f"requests; target < {TARGET // 1024} KB: {'ok' if transfer < TARGET else 'OVER'}")
        for name, size in sorted(files, key=lambda f: -f[1]):
            print(f"    {size / 1024:8.1f} KB  {name}")
        over = over or transfer >= TARGET
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
