"""End-to-end tests in a real browser: headless Chromium driven by Selenium over the built site,
served by a local HTTP server. Needs Debian's chromium and chromium-driver (see README).

Every page visit asserts that the browser logged no console error and that no request failed
(the server's log and the Performance API both must agree). Screenshots are written to
_screenshots/ at the repository root.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import http.server
import io
import json
import re
import shutil
import threading
import time
import urllib.parse
import urllib.request
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import lxml.html
import pytest
import yaml

from conftest import ROOT, copy_built, need_chromium, run_build, start_chromium

need_chromium()
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

SCREENSHOTS = ROOT / "_screenshots"
DOCUMENT = "documents/shanxi-collaborative-contest/index.html"  # Chinese and English text
FIGURE = "figures/shanxi-collaborative-contest-keywords-zh/index.html"
SITE_URL = "https://example.org/policy-pilots"  # data/site.yaml


class LoggingServer(http.server.ThreadingHTTPServer):
    """Serves the built site and records the status of every request; the files whose path
    `slow` accepts are sent a few seconds late, as a slow network would, and those `missing`
    accepts are not found."""

    def __init__(self, site: Path, slow=lambda path: False, missing=lambda path: False, delay: float = 3):
        self.requests: list[tuple[str, int]] = []
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def send_head(self):
                if slow(self.path):
                    time.sleep(delay)
                if missing(self.path):
                    self.send_error(404)
                    return None
                return super().send_head()

            def log_request(self, code="-", size="-"):
                server.requests.append((self.path, int(code) if str(code).isdigit() else 0))

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))


@pytest.fixture(scope="session")
def server(built_site):
    httpd = LoggingServer(built_site)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()


@pytest.fixture(scope="session")
def base_url(server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def driver():
    browser = start_chromium()
    yield browser
    browser.quit()


def wait_for(driver, condition, timeout: float = 30):
    # An element found can be replaced before it is read (Pagefind's UI renders its message anew
    # as a search goes on): the condition is tried again. The timeout is generous: in CI, two
    # workers build sites beside the browser, and a wait is only as long as the page needs.
    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: condition(d)
    )


def settle(driver) -> None:
    """Wait until the page, its images and its web fonts are loaded."""
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
    driver.execute_async_script("const done = arguments[0]; document.fonts.ready.then(() => done(true));")
    wait_for(
        driver,
        lambda d: d.execute_script("return Array.from(document.images).every(i => i.loading === 'lazy' || i.complete)"),
    )


def assert_clean(driver, server, since: int) -> None:
    """No console errors, and no failed request: in the server's log since `since`, and in the
    browser's own record of every resource the page loaded."""
    errors = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert not errors, f"console errors on {driver.current_url}: {errors}"
    failed = [(path, code) for path, code in server.requests[since:] if code >= 400]
    assert not failed, f"failed requests from {driver.current_url}: {failed}"
    statuses = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => [e.name, e.responseStatus || 0])"
    )
    bad = [(name, status) for name, status in statuses if status >= 400]
    assert not bad, f"resources that failed on {driver.current_url}: {bad}"


def visit(driver, server, url: str) -> None:
    driver.get_log("browser")  # drop what earlier pages logged
    since = len(server.requests)
    driver.get(url)
    settle(driver)
    assert_clean(driver, server, since)


def follow(driver, server, href_part: str) -> None:
    """Click the first link whose href contains href_part, as a reader would."""
    driver.get_log("browser")
    since = len(server.requests)
    link = driver.find_element(By.CSS_SELECTOR, f'main a[href*="{href_part}"]')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    link.click()
    wait_for(driver, lambda d: href_part.split("#")[0].rstrip("/") in d.current_url)
    settle(driver)
    assert_clean(driver, server, since)


def test_reader_follows_links_from_home_to_figure_data_and_version(driver, server, base_url):
    visit(driver, server, base_url + "index.html")
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Policy Pilots in China")
    follow(driver, server, "documents/shanxi-collaborative-contest/index.html")
    assert "从增长竞争到协同竞赛" in driver.find_element(By.TAG_NAME, "h1").text
    assert driver.execute_script("return document.documentElement.lang") == "en"  # the edition's language
    assert driver.find_element(By.TAG_NAME, "h1").get_attribute("lang") == "zh"  # the title's own
    follow(driver, server, "figures/shanxi-collaborative-contest-keywords-zh/index.html")
    assert driver.execute_script("return document.documentElement.lang") == "en"
    chart = driver.find_element(By.CSS_SELECTOR, "main figure svg.chart")
    assert chart.size["width"] > 300 and chart.size["height"] > 200
    figure = driver.find_element(By.CSS_SELECTOR, "main figure.chart-figure")
    described = driver.find_element(By.ID, figure.get_attribute("aria-describedby"))
    assert described.get_attribute("textContent").startswith("Horizontal bar chart")  # the alt text
    # The data download is a CSV with the columns the data table shows.
    csv_url = urljoin(
        driver.current_url, driver.find_element(By.CSS_SELECTOR, 'a[href="data.csv"]').get_attribute("href")
    )
    with urllib.request.urlopen(csv_url) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.read().decode("utf-8"))))
    headers = [th.text for th in driver.find_elements(By.CSS_SELECTOR, "table.data thead th")]
    assert rows[0] == headers and len(rows) - 1 == len(driver.find_elements(By.CSS_SELECTOR, "table.data tbody tr"))
    # The version history, then the permanent page of the version shown.
    assert driver.find_elements(By.CSS_SELECTOR, "#history + ul.history li")
    follow(driver, server, "v/")
    assert re.search(
        r"/figures/shanxi-collaborative-contest-keywords-zh/v/[0-9a-f]{12}/index\.html$", driver.current_url
    )
    assert "Version" in driver.find_element(By.CSS_SELECTOR, "p.version-note").text


def test_copy_citation_buttons_copy_each_format(driver, server, base_url):
    """With JavaScript, each citation format has a Copy button that puts exactly that text on the
    clipboard; without it (the HTML as served) the buttons are hidden and the text is there."""
    url = base_url + "figures/return-migrant-tool-types/index.html"
    with urllib.request.urlopen(url) as response:
        served = response.read().decode("utf-8")
    copy_buttons = re.findall(r'<button type="button" class="copy"[^>]*>', served)
    assert len(copy_buttons) == 5 and all(b.endswith(" hidden>") for b in copy_buttons)
    driver.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": base_url.rstrip("/"), "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    visit(driver, server, url)
    for target in ("apa", "cite-bibtex", "cite-ris", "cite-csl", "embed-code"):
        button = driver.find_element(By.CSS_SELECTOR, f'button.copy[data-copy="{target}"]')
        driver.execute_script(
            "arguments[0].closest('details') && (arguments[0].closest('details').open = true);"
            "arguments[0].scrollIntoView({block: 'center'})",
            button,
        )
        assert button.is_displayed()
        button.click()
        status = button.find_element(By.XPATH, "following-sibling::span[@class='copy-status']")
        wait_for(driver, lambda d, status=status: status.text == "Copied")
        copied = driver.execute_async_script(
            "navigator.clipboard.readText().then(arguments[0], e => arguments[0]('ERROR ' + e));"
        )
        expected = driver.execute_script("return document.getElementById(arguments[0]).textContent", target)
        assert copied == expected.strip("\r\n") and len(expected) > 50, target
        # the text of the file the page offers, as it is (RIS's last line is "ER  - ", with its space)
        offered = {"cite-bibtex": "cite.bib", "cite-ris": "cite.ris", "cite-csl": "cite.json"}.get(target)
        if offered:
            with urllib.request.urlopen(urljoin(url, offered)) as response:
                assert copied == response.read().decode("utf-8").rstrip("\n"), target


def test_an_embedded_view_renders_in_another_sites_page_and_links_to_the_full_page(driver, server, base_url, tmp_path):
    """A page served from another port embeds a figure's view in an <iframe>, as the figure page's
    snippet says: the image loads, the Chinese is drawn with the view's own web-font face, the view
    fetches under 100 KB, and its link opens the full page in the top window."""
    embed = base_url + "zh/figures/return-migrant-tool-types/embed.html"
    (tmp_path / "host.html").write_text(
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head><body>'
        "<h1>A colleague's blog</h1>"
        f'<iframe id="frame" src="{embed}" width="640" height="520" style="border:0"></iframe>'
        "</body></html>",
        encoding="utf-8",
    )
    host = LoggingServer(tmp_path)
    threading.Thread(target=host.serve_forever, daemon=True).start()
    try:
        since = len(server.requests)
        driver.get(f"http://127.0.0.1:{host.server_address[1]}/host.html")
        wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
        driver.switch_to.frame(driver.find_element(By.ID, "frame"))
        settle(driver)
        state = driver.execute_async_script("""
const done = arguments[0];
document.fonts.ready.then(() => {
  const own = Array.from(document.fonts).filter(f => f.family.replace(/"/g, '') === 'Pilot Site CJK own');
  const img = document.querySelector('img');
  const bytes = performance.getEntriesByType('resource').reduce((n, e) => n + e.transferSize, 0)
                + performance.getEntriesByType('navigation')[0].transferSize;
  done({own: own.length, loaded: own.filter(f => f.status === 'loaded').length,
        check: document.fonts.check('16px "Pilot Site CJK own"', '政策工具的占比'),
        font: getComputedStyle(document.querySelector('figcaption')).fontFamily,
        image: img.currentSrc, width: img.naturalWidth, bytes: bytes});
});""")
        assert state["own"] == 1 and state["loaded"] == 1 and state["check"], state
        assert state["font"].startswith('"Pilot Site CJK own"'), state
        assert state["image"].endswith("/embed.png") and state["width"] > 0, state
        assert 10_000 < state["bytes"] < 100_000, state
        failed = [(path, code) for path, code in server.requests[since:] if code >= 400]
        assert not failed, failed
        link = driver.find_element(By.CSS_SELECTOR, ".embed-more a")
        link.click()
        driver.switch_to.default_content()
        wait_for(driver, lambda d: d.current_url == base_url + "zh/figures/return-migrant-tool-types/index.html")
        assert driver.find_element(By.TAG_NAME, "h1").text == "供给型、需求型和环境型政策工具的占比"
    finally:
        driver.switch_to.default_content()
        host.shutdown()


def test_every_embed_snippet_is_tall_enough_for_its_view(driver, server, base_url, built_site, tmp_path):
    """Each figure page's and version page's <iframe> snippet, pasted into another site's page,
    shows all of its embedded view at its width, 640 px: the frame was the image's height and
    220 px, and a long title, caption or citation scrolled inside it and hid the link to the full
    page."""
    (tmp_path / "host.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head>'
        '<body style="margin: 0"><div id="here"></div></body></html>',
        encoding="utf-8",
    )
    pages = [p for p in built_site.glob("*figures/*/index.html") if (p.parent / "figure.png").is_file()]
    pages += [p for p in built_site.glob("zh/figures/*/index.html") if (p.parent / "figure.png").is_file()]
    pages += list(built_site.glob("*figures/*/v/*/index.html")) + list(built_site.glob("zh/figures/*/v/*/index.html"))
    assert len(pages) > 100
    host = LoggingServer(tmp_path)
    threading.Thread(target=host.serve_forever, daemon=True).start()
    try:
        driver.get(f"http://127.0.0.1:{host.server_address[1]}/host.html")
        too_short = []
        for page in sorted(pages):
            code = lxml.html.fromstring(page.read_bytes()).xpath("//code[@id='embed-code']")[0].text_content()
            height = int(lxml.html.fragment_fromstring(code).get("height"))
            driver.switch_to.default_content()
            driver.execute_script(
                "document.getElementById('here').innerHTML = arguments[0]", code.replace(SITE_URL + "/", base_url)
            )
            driver.switch_to.frame(driver.find_element(By.TAG_NAME, "iframe"))
            settle(driver)
            width, shown, content = driver.execute_script(
                "const e = document.documentElement; return [e.clientWidth, e.clientHeight, e.scrollHeight]"
            )
            assert (width, shown) == (640, height), page
            if content > height:
                too_short.append((str(page.relative_to(built_site)), height, content))
        assert not too_short, too_short
    finally:
        driver.switch_to.default_content()
        host.shutdown()


@pytest.mark.parametrize("edition", ["", "zh/"])
def test_the_compare_form_opens_the_two_versions_chosen_or_says_why_not(driver, server, base_url, built_site, edition):
    """A figure page's "Compare any two versions" form leads to the comparison of the pair chosen,
    in either order; one version chosen twice stays on the page and says why, in its language."""
    catalogue = yaml.safe_load((ROOT / f"data/i18n/{edition.rstrip('/') or 'en'}.yaml").read_text(encoding="utf-8"))
    page = next(
        p
        for p in sorted((built_site / edition / "figures").glob("*/index.html"))
        if "data-compare" in p.read_text(encoding="utf-8")
    )
    url = base_url + page.relative_to(built_site).as_posix()
    visit(driver, server, url)
    versions = [o.get_attribute("value") for o in Select(driver.find_element(By.NAME, "old")).options]
    assert len(versions) >= 2, versions
    older, newer = sorted(versions, key=int)[:2]
    Select(driver.find_element(By.NAME, "old")).select_by_value(newer)  # the pair given in reverse
    Select(driver.find_element(By.NAME, "new")).select_by_value(older)
    driver.find_element(By.CSS_SELECTOR, "form[data-compare] button").click()
    wait_for(driver, lambda d: "/compare/" in d.current_url)
    settle(driver)
    heading = driver.find_element(By.TAG_NAME, "h1").text
    intro = driver.find_element(By.CSS_SELECTOR, "main").text
    assert re.search(rf"\b{older}\b", intro) and re.search(rf"\b{newer}\b", intro), (heading, intro[:300])
    visit(driver, server, url)
    Select(driver.find_element(By.NAME, "old")).select_by_value(older)
    Select(driver.find_element(By.NAME, "new")).select_by_value(older)
    driver.find_element(By.CSS_SELECTOR, "form[data-compare] button").click()
    status = driver.find_element(By.CSS_SELECTOR, "form[data-compare] [role=status]")
    wait_for(driver, lambda d: status.text)
    assert status.text == catalogue["figure.compare_same"]
    assert driver.current_url == url


def test_the_switch_keeps_the_readers_place_and_search_query(driver, server, base_url):
    """The switch had led to the top of the twin page, and from the search page to an empty search."""
    visit(driver, server, base_url + FIGURE + "#data")
    driver.find_element(By.CSS_SELECTOR, "a.edition-switch").click()
    wait_for(driver, lambda d: d.current_url == base_url + "zh/" + FIGURE + "#data")
    visit(driver, server, base_url + "zh/search/index.html?q=" + urllib.parse.quote("试点"))
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".pagefind-ui__result"))
    driver.find_element(By.CSS_SELECTOR, "a.edition-switch").click()
    wait_for(driver, lambda d: urllib.parse.unquote(d.current_url) == base_url + "search/index.html?q=试点")
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".pagefind-ui__result"))


def test_reader_switches_between_the_editions(driver, server, base_url):
    """The switch in the header leads to the same page in the other edition and back; the Chinese
    page's navigation, breadcrumbs and headings are the Chinese catalogue's, and its links stay in
    the Chinese edition."""

    zh = yaml.safe_load((ROOT / "data/i18n/zh.yaml").read_text(encoding="utf-8"))
    visit(driver, server, base_url + FIGURE)
    english_h1 = driver.find_element(By.TAG_NAME, "h1").text
    driver.get_log("browser")
    since = len(server.requests)
    driver.find_element(By.CSS_SELECTOR, "a.edition-switch").click()
    wait_for(driver, lambda d: d.current_url == base_url + "zh/" + FIGURE)
    settle(driver)
    assert_clean(driver, server, since)
    assert driver.execute_script("return document.documentElement.lang") == "zh"
    chinese_h1 = driver.find_element(By.TAG_NAME, "h1").text  # the figure's title, from the catalogues' fig.* texts
    assert chinese_h1 != english_h1 and chinese_h1.startswith(zh["fig.keywords.document.title"].split("（")[0]), (
        chinese_h1
    )
    nav = [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".site-nav a")]
    assert nav[:3] == [zh["nav.index"], zh["nav.documents"], zh["nav.figures"]], nav
    assert driver.find_element(By.CSS_SELECTOR, ".site-nav a[aria-current=page]").text == zh["nav.figures"]
    headings = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "main h2")]
    assert zh["cite.heading"] in headings and zh["figure.history"] in headings, headings
    # a reader following links stays in the Chinese edition
    follow(driver, server, "documents/shanxi-collaborative-contest/index.html")
    assert driver.current_url == base_url + "zh/" + DOCUMENT
    driver.find_element(By.CSS_SELECTOR, "a.edition-switch").click()
    wait_for(driver, lambda d: d.current_url == base_url + DOCUMENT)
    assert driver.find_element(By.CSS_SELECTOR, "a.edition-switch").text == zh["layout.edition_name"]


def test_chinese_edition_search_finds_its_own_pages(driver, server, base_url):
    """The Chinese search page searches the Chinese edition's pages and the corpus bundles, whose
    results lead to the Chinese edition's twins; its UI speaks Chinese."""
    found = urls(search(driver, server, base_url, "宅基地", start="zh/index.html"))
    assert found and all(href.startswith(base_url + "zh/") for href in found), found
    assert any("/zh/corpus/cn-regulations/texts/" in href for href in found), found
    message = driver.find_element(By.CSS_SELECTOR, ".pagefind-ui__message").text
    assert re.search(r"[\u4e00-\u9fff]", message), message
    # said to a screen reader: Pagefind's message is no live region, the page's status is
    status = driver.find_element(By.ID, "search-status")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    wait_for(driver, lambda d: d.find_element(By.ID, "search-status").get_attribute("textContent") == message)
    # an English word finds the Chinese edition's pages that say it (the document's English abstract)
    found = urls(search(driver, server, base_url, "Shanxi", start="zh/index.html"))
    assert base_url + "zh/" + DOCUMENT in found[:3], found[:5]
    assert all(href.startswith(base_url + "zh/") for href in found), found


@pytest.mark.parametrize("start", ["index.html", "zh/index.html"])
def test_evidence_pages_are_found_in_the_editions_words(driver, server, base_url, built_site, start):
    """Each edition indexes its own evidence pages: a Chinese search showed 证据 pages as
    "Evidence: … (sub-tool)" with English excerpts, the English edition's words."""
    edition = start[: -len("index.html")]
    titles = {
        base_url + edition + p.relative_to(built_site / edition).as_posix(): re.search(
            r"<h1[^>]*>(.*?)</h1>", p.read_text(encoding="utf-8"), re.S
        ).group(1)
        for p in (built_site / edition / "corpus/cn-regulations/evidence").glob("*/index.html")
    }
    results = search(driver, server, base_url, "社会保障", start=start)
    found = [(title, href) for title, href in results if href in titles]
    assert found, "no evidence page found for 社会保障"
    for title, href in found:
        assert unescape(re.sub(r"<[^>]+>", "", titles[href])).strip() == title
        assert title.startswith("证据") == bool(edition), title
    # The sub-tool's own page ranks among the first, in English too, where its title says "social
    # security": it is ranked by its name in both languages (on the full corpus, by its English
    # title alone, it came 577th of 645).
    own = next(href for href, title in titles.items() if ("社会保障" if edition else "social security") in title)
    assert own in urls(results)[:3], [title for title, _ in results[:5]]
    page = (built_site / own[len(base_url) :]).read_text(encoding="utf-8")
    ranked_by = unescape(
        re.search(r'data-pagefind-meta="title_words\[data-words\]" data-words="([^"]*)"', page).group(1)
    )
    assert {"社会保障", "social", "security"} <= set(ranked_by.split()), ranked_by


@pytest.mark.parametrize("edition", ["", "zh/"])
def test_search_filters_are_named_in_the_editions_language(driver, server, base_url, edition):
    """The filters' names and the kinds of page are the edition's words (the pages give them to
    Pagefind in English, for the corpora's bundles serve both editions); filtering still works."""
    catalogue = yaml.safe_load((ROOT / f"data/i18n/{edition.rstrip('/') or 'en'}.yaml").read_text(encoding="utf-8"))
    found = search(driver, server, base_url, "宅基地", start=edition + "index.html")
    names = [e.get_attribute("textContent") for e in driver.find_elements(By.CSS_SELECTOR, ".pagefind-ui__filter-name")]
    expected = [catalogue[f"search.filter.{n}"] for n in ("kind", "document", "analysis")]
    expected += [catalogue["corpus.column.level"], catalogue["corpus.column.region"]]
    assert all(any(n.lower() == e.lower() for n in names) for e in expected), (names, expected)
    kinds = driver.execute_script(
        "return Array.from(document.querySelectorAll('.pagefind-ui__filter-checkbox[name=kind]'),"
        " b => [b.value, document.querySelector('label[for=\"' + CSS.escape(b.id) + '\"]').textContent])"
    )
    assert {value for value, _ in kinds} >= {"document", "figure", "corpus text"}, kinds
    for value, label in kinds:
        assert label.startswith(catalogue["search.kind." + value.replace(" ", "_")] + " ("), (value, label)
    # the Chinese words filter as the English ones did: only corpus texts are left
    box = driver.find_element(By.CSS_SELECTOR, '.pagefind-ui__filter-checkbox[name=kind][value="corpus text"]')
    driver.execute_script("arguments[0].closest('details').open = true", box)
    box.click()
    # read in one script: the UI replaces the result list while it filters
    shown = "return Array.from(document.querySelectorAll('.pagefind-ui__result-title a'), a => a.href)"
    wait_for(driver, lambda d: (hrefs := d.execute_script(shown)) and all("/corpus/" in h for h in hrefs))
    assert len(found) > len(driver.execute_script(shown)) > 0


def search(driver, server, base_url: str, query: str, start: str = "index.html") -> list[tuple[str, str]]:
    """Search through the header's search box (of the page start) and Pagefind's UI; (title, URL)
    of each result. The UI's message says how many there are, in the page's language."""
    count = r"(\d+) results?" if not start.startswith("zh/") else r"(\d+)"
    visit(driver, server, base_url + start)
    box = driver.find_element(By.ID, "site-search-q")
    box.send_keys(query, Keys.ENTER)
    wait_for(driver, lambda d: "search/index.html" in d.current_url)
    wait_for(
        driver,
        lambda d: (
            d.find_elements(By.CSS_SELECTOR, ".pagefind-ui__message")
            and re.search(count, d.find_element(By.CSS_SELECTOR, ".pagefind-ui__message").text)
        ),
    )
    total = int(re.search(count, driver.find_element(By.CSS_SELECTOR, ".pagefind-ui__message").text).group(1))
    while driver.find_elements(By.CSS_SELECTOR, "button.pagefind-ui__button"):  # "Load more results"
        # clicked by script: results still loading above it move it, and a pointer click can land on one
        driver.execute_script(
            "arguments[0].click()", driver.find_element(By.CSS_SELECTOR, "button.pagefind-ui__button")
        )
    title_links = "li.pagefind-ui__result > .pagefind-ui__result-inner > .pagefind-ui__result-title a"
    # Each result shows as a placeholder until its page record is loaded, then gets its link.
    wait_for(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, title_links)) == total)
    settle(driver)
    assert_clean(driver, server, 0)
    links = driver.find_elements(By.CSS_SELECTOR, title_links)
    return [(link.text, link.get_attribute("href")) for link in links]


def urls(results) -> list[str]:
    return [href for _, href in results]


def test_chinese_search_finds_segmented_word(driver, server, base_url, built_site):
    results = search(driver, server, base_url, "宅基地")
    # The corpus texts that contain the word are found (M County's document is an English abstract:
    # it says "homestead", never 宅基地; see the English search below).
    containing = {
        p.parent.name
        for p in (built_site / "corpus/cn-regulations/texts").glob("*/index.html")
        if "宅基地" in p.read_text(encoding="utf-8")
    }
    assert containing
    found = {href.split("/")[-2] for href in urls(results) if "/corpus/cn-regulations/texts/" in href}
    assert found and found <= containing and len(found) == len(containing)


def test_chinese_search_finds_word_inside_longer_words(driver, server, base_url, built_site):
    # 宅基 never stands alone on the site: every occurrence is the start of 宅基地, which jieba
    # keeps as one word. Pagefind matches the start of indexed words, so it is still found.
    texts = [p.read_text(encoding="utf-8") for p in (built_site / "corpus/cn-regulations/texts").glob("*/index.html")]
    assert any("宅基" in t for t in texts)
    assert all(t.count("宅基") == t.count("宅基地") for t in texts)
    results = search(driver, server, base_url, "宅基")
    assert any("/corpus/cn-regulations/texts/" in href for href in urls(results))


def test_chinese_search_page_reads_a_query_as_the_index_was_segmented(driver, server, base_url, built_site):
    """A query typed without spaces finds on the Chinese search page what it finds on the English
    one. Pagefind segmented the pages with its dictionary (宅基地 | 试点); in a page whose <html lang>
    is Chinese it would split the query with the browser's segmenter first (宅 | 基地 | 试 | 点),
    whose words the index does not have, and find none of the site's own pages."""
    query = "宅基地试点"
    titled = [
        p.parent.name
        for p in (built_site / "zh/figures").glob("*/index.html")
        if query in re.search(r"<h1[^>]*>(.*?)</h1>", p.read_text(encoding="utf-8"), re.S).group(1)
    ]
    assert titled, "no Chinese figure title says " + query
    chinese = urls(search(driver, server, base_url, query, start="zh/index.html"))
    # the figures whose title says it rank first
    assert sorted(chinese[: len(titled)]) == sorted(base_url + f"zh/figures/{name}/index.html" for name in titled)
    # the corpus bundles, shared by both editions, find the same texts and evidence on both pages
    # (no text says 宅基地试点)
    chinese = urls(search(driver, server, base_url, "宅基地", start="zh/index.html"))
    english = urls(search(driver, server, base_url, "宅基地"))
    corpus = sorted(h for h in english if "/corpus/" in h)
    assert corpus and sorted(h.replace(base_url + "zh/", base_url) for h in chinese if "/corpus/" in h) == corpus


def index_words(site: Path) -> dict[str, int]:
    """The Chinese words of every search bundle of the site (their words.txt), with their pages."""
    found: dict[str, int] = {}
    for listing in site.rglob("words.txt"):
        for line in listing.read_text(encoding="utf-8").splitlines():
            word, count = line.split(" ")
            found[word] = found.get(word, 0) + int(count)
    return found


def result_marks(driver) -> list[list[str]]:
    """The words marked in each result's excerpt."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('li.pagefind-ui__result'), li =>"
        " Array.from(li.querySelectorAll('.pagefind-ui__result-excerpt mark'), m => m.textContent))"
    )


@pytest.mark.parametrize("start", ["zh/index.html", "index.html"])
def test_a_chinese_phrase_typed_without_spaces_is_searched_in_the_indexs_words(
    driver, server, base_url, built_site, start
):
    """Pagefind segmented the pages with its dictionary (人民 | 政府) and matched a query as typed:
    人民政府 found every page that says 人民, marking 人民 alone. The search page splits the query
    into the words of the index first: it finds what 人民 政府 finds, pages with both."""
    words = index_words(built_site)
    assert words.get("人民") and words.get("政府") and not any(w.startswith("人民政府") for w in words)
    as_words = search(driver, server, base_url, "人民 政府", start=start)
    as_typed = search(driver, server, base_url, "人民政府", start=start)
    assert as_typed and sorted(urls(as_typed)) == sorted(urls(as_words))
    marks = [{m.strip() for m in marked} for marked in result_marks(driver)]
    # both words marked (an excerpt is a window of the page: in most, not all); it marked 人民 alone
    assert marks and sum({"人民", "政府"} <= m for m in marks) > len(marks) / 2, marks
    if not start.startswith("zh/"):
        return
    # typed in traditional characters, which the index does not have, it finds the same pages (as
    # typed it found none), from the site's table of simplified forms
    assert not any(c in word for word in words for c in "國務")
    simplified = urls(search(driver, server, base_url, "国务院", start=start))
    assert simplified and sorted(urls(search(driver, server, base_url, "國務院", start=start))) == sorted(simplified)


SPLITS = [
    # (each bundle's Chinese words with their pages, or None where a bundle's list is missing; query; sent to Pagefind)
    ([{"社会": 3, "保障": 2}, {"社会": 5, "保障": 1}], "社会保障", "社会 保障"),
    ([{"社会": 3, "保障": 2}, {}], "社会保障", "社会 保障"),  # a bundle without Chinese drops every word
    # a bundle has 地 but not 宅基: Pagefind would drop 宅基 there and list its pages with a word
    # starting 地; as a phrase it finds the words where they stand together
    ([{"宅基": 1, "地": 5}, {"地": 9, "地方": 4}], "宅基地", '"宅基 地"'),
    ([{"宅基地": 2}], "宅基", "宅基"),  # the start of a word: Pagefind finds it as typed
    ([{"增长": 3}], "GDP增长", "GDP 增长"),
    ([{"社会": 3, "保障": 2}], "社会、保障 pilot", "社会 、 保障 pilot"),
    ([{"研究": 9, "研究生": 1, "生命": 4, "命": 1}], "研究生命", "研究 生命"),  # the likelier split
    ([None, {"社会": 3, "保障": 2}], "社会保障", "社会保障"),  # a list missing: as typed
    # as typed, Pagefind listed every page with a word beginning 量, or 碳
    ([{"量": 5, "量化": 2}, {"子": 1}], "量子纠缠", '"量 子 纠 缠"'),
    ([{"碳": 4, "达": 1}, {"峰": 2}], "碳达峰 pilot", '"碳 达 峰" pilot'),
]


def test_chinese_that_no_page_has_finds_nothing_and_a_phrase_finds_its_pages(driver, server, base_url, built_site):
    """A run of Chinese whose words not every bundle has was matched as typed, by its longest
    beginning that is a word: 量子纠缠 and 碳达峰 (on no page) listed the pages with 量 or 碳, and
    返乡创业 (the article's subject) missed the article. They go as a phrase of their words now."""
    words = index_words(built_site)
    assert not any(w.startswith(("量子", "达峰")) for w in words) and words.get("量") and words.get("碳")
    message = ".pagefind-ui__message"
    for query in ("量子纠缠", "碳达峰"):
        visit(driver, server, base_url + "zh/index.html")
        driver.find_element(By.ID, "site-search-q").send_keys(query, Keys.ENTER)
        wait_for(driver, lambda d: "未找到" in "".join(m.text for m in d.find_elements(By.CSS_SELECTOR, message)))
        assert query in driver.find_element(By.CSS_SELECTOR, message).text  # the query as typed
        assert not driver.find_elements(By.CSS_SELECTOR, "li.pagefind-ui__result")
    found = urls(search(driver, server, base_url, "返乡创业", start="zh/index.html"))
    assert any(u.endswith("zh/documents/return-migrant-entrepreneurship/index.html") for u in found), found


def test_the_search_page_splits_a_query_where_no_bundle_would_drop_one_of_its_words(driver, server, base_url):
    visit(driver, server, base_url + "search/index.html")
    sent = driver.execute_script(
        "return arguments[0].map(([bundles, query]) => window.queryWords.splitter("
        "bundles.map(words => words === null ? null : new Map(Object.entries(words))))(query))",
        [[bundles, query] for bundles, query, _ in SPLITS],
    )
    assert sent == [expected for _, _, expected in SPLITS]


SIMPLIFIED = {"國": "国", "務": "务", "會": "会", "議": "议", "乾": "干"}  # a few of simplified.txt's lines
TRADITIONAL = [
    # (each bundle's Chinese words with their pages; query; sent to Pagefind)
    ([{"社会": 3, "保障": 2}], "社會保障", "社会 保障"),
    ([{"国务院": 4, "会议": 1}, {"国务院": 1, "会议": 2}], "國務院會議", "国务院 会议"),
    ([{"國務院": 2}, {"国务院": 1}], "國務院", "國務院"),  # a bundle in traditional characters: as typed
    ([{"乾隆": 1, "干燥": 2, "燥": 1}], "乾燥", "乾 燥"),  # the index has 乾: it stays (干燥 is a word)
    ([{"社会": 3}, None], "社會", "社會"),  # a list missing: as typed
]


def test_the_search_page_searches_a_traditional_character_in_its_simplified_form(driver, server, base_url):
    visit(driver, server, base_url + "search/index.html")
    call = (
        "return arguments[0].map(([bundles, query]) => window.queryWords.splitter("
        "bundles.map(words => words === null ? null : new Map(Object.entries(words))), {})(query))"
    )
    with_table = driver.execute_script(
        call.replace("{}", "new Map(Object.entries(arguments[1]))"), TRADITIONAL, SIMPLIFIED
    )
    assert with_table == [expected for _, _, expected in TRADITIONAL]
    # without the table (it could not be read), characters go as typed: 社會 is no word of the
    # index, so the query is a phrase that finds nothing
    assert driver.execute_script(call.replace("{}", "null"), TRADITIONAL[:1]) == ['"社 會 保障"']


@pytest.mark.parametrize("start", ["index.html", "zh/index.html"])
def test_a_corpus_text_is_found_by_its_id_and_its_results_show_its_text(driver, server, base_url, built_site, start):
    """A text's metadata is found by search but kept out of its results' excerpts, where its
    labels ran into its values ("Levellocal") and were English on the Chinese search page too (the
    texts are indexed once). A text's id finds it first, with its opening as the excerpt."""
    texts = sorted((built_site / "corpus/cn-regulations/texts").iterdir())
    text_id = texts[len(texts) // 2].name
    results = search(driver, server, base_url, text_id, start)
    assert results[0][1].endswith(f"corpus/cn-regulations/texts/{text_id}/index.html"), results[:3]
    first = driver.find_element(By.CSS_SELECTOR, "li.pagefind-ui__result .pagefind-ui__result-excerpt").text
    assert results[0][0] in first, first
    search(driver, server, base_url, "浙江", start)
    excerpts = [
        result.find_element(By.CSS_SELECTOR, ".pagefind-ui__result-excerpt").text
        for result in driver.find_elements(By.CSS_SELECTOR, "li.pagefind-ui__result")
        if "/corpus/cn-regulations/texts/" in result.find_element(By.TAG_NAME, "a").get_attribute("href")
    ]
    assert excerpts
    for label in ("Corpus", "Level", "Province", "语料库", "层级", "省份"):
        assert not any(label in excerpt for excerpt in excerpts), (label, excerpts)


def test_english_search(driver, server, base_url):
    results = search(driver, server, base_url, "participatory budgeting")
    assert results and "wenling-participatory-budgeting" in results[0][1]
    assert any("Wenling participatory budgeting" in title for title, _ in results)
    results = search(driver, server, base_url, "homestead")
    assert any(href.endswith("/documents/m-county-homestead-pilot/index.html") for href in urls(results))


def test_mixed_search(driver, server, base_url):
    results = search(driver, server, base_url, "Shanxi 山西")
    assert any(href.endswith("/documents/shanxi-collaborative-contest/index.html") for href in urls(results))
    found = urls(results)
    site_pages = [href for href in found if "/corpus/" not in href]
    assert site_pages[0].endswith("/documents/shanxi-collaborative-contest/index.html"), found
    assert all("shanxi" in href or "keyword-overlap" in href for href in site_pages), found
    # corpus texts (their own bundle, merged into the results at a lower weight) come after
    assert found.index(site_pages[-1]) < min((found.index(h) for h in found if "/corpus/" in h), default=len(found))


def test_pages_with_the_whole_chinese_word_rank_first(driver, server, base_url):
    """Few corpus pages say 山西, so the corpus bundle also answers with partial matches (山…);
    the site's pages that have the word itself must all rank above them. (The Shanxi document's
    figure pages name it only in their citations, which search does not index.)"""
    found = urls(search(driver, server, base_url, "山西"))
    has_word = ["山西" in urllib.request.urlopen(href).read().decode("utf-8") for href in found[:20]]
    first_without = has_word.index(False) if False in has_word else len(has_word)
    site_pages_with_word = [i for i, href in enumerate(found[:20]) if "/corpus/" not in href and has_word[i]]
    assert site_pages_with_word and max(site_pages_with_word) < first_without, list(zip(found, has_word, strict=False))


# Words of document titles, and the document titled with each.
TITLE_WORDS = [
    ("协同", DOCUMENT),
    ("竞赛", DOCUMENT),
    ("地方政府", DOCUMENT),
    ("area", "documents/m-county-homestead-pilot/index.html"),
    ("homestead", "documents/m-county-homestead-pilot/index.html"),
    ("manufacturing", "documents/lu-street-typical-experience/index.html"),
    ("typical", "documents/lu-street-typical-experience/index.html"),
    ("entrepreneurship", "documents/return-migrant-entrepreneurship/index.html"),
    ("diffusion", "documents/return-migrant-entrepreneurship/index.html"),
]


def test_a_page_titled_with_the_query_ranks_first(driver, server, base_url):
    """A page whose title has the query ranks above pages that only mention it. Pagefind's own
    title boost did not lift such a page: it never matches inside a Chinese title (it splits
    titles at spaces) and its default weight was too small; the site ranks by title_words. For
    the title words whose page the text alone does not rank first (the figures' data tables say
    协同 in many words, 协同治理, 协同竞赛, …), the search page must still rank it first."""
    visit(driver, server, base_url + "search/index.html")
    body_only = driver.execute_async_script(
        """
const [queries, done] = arguments;
import(new URL('../pagefind/pagefind.js', location.href).href).then(async pagefind => {
  await pagefind.options({ranking: {metaWeights: {title: 0, title_words: 0}}});
  const first = {};
  for (const query of queries) {
    const found = await pagefind.search(query);
    first[query] = found.results.length ? (await found.results[0].data()).url : null;
  }
  done(first);
}).catch(e => done(String(e)));""",
        [query for query, _ in TITLE_WORDS],
    )
    assert isinstance(body_only, dict), body_only
    lifted = [(query, titled) for query, titled in TITLE_WORDS if body_only[query] != "/" + titled]
    assert lifted, f"by their text alone every titled page already ranks first: {body_only}"
    for query, titled in lifted:
        results = search(driver, server, base_url, query)
        # the page titled with it, or another whose title has it too (a figure of that document)
        first_title, first_url = results[0]
        assert first_url.endswith("/" + titled) or query.lower() in first_title.lower(), (query, results[:3])
    # title_words only ranks: the UI does not show it under the results
    assert not driver.find_elements(By.CSS_SELECTOR, '[data-pagefind-ui-meta="title_words"]')


def test_search_filters_and_exclusions(driver, server, base_url):
    visit(driver, server, base_url + "search/index.html")
    found = driver.execute_async_script("""
const done = arguments[0];
import(new URL('../pagefind/pagefind.js', location.href).href).then(async pagefind => {
  // as the search page does: every corpus bundle it names (its evidence, its texts), with the site
  // root as their base URL
  const named = document.getElementById('search').dataset;
  for (const bundle of [named.editionBundles, named.corpusBundles].join(' ').split(' ').filter(Boolean)) {
    await pagefind.mergeIndex(new URL(bundle, location.href).href, {baseUrl: new URL('../', location.href).pathname});
  }
  const filters = await pagefind.filters();
  const all = await pagefind.search('宅基地');
  const texts = await pagefind.search('宅基地', {filters: {kind: 'corpus text', region: 'east'}});
  const figures = await pagefind.search(null, {filters: {kind: 'figure', document: 'M County homestead pilot'}});
  const data = async r => Promise.all(r.results.map(x => x.data()));
  done({filters, all: await data(all), texts: await data(texts), figures: await data(figures)});
}).catch(e => done(String(e)));""")
    assert isinstance(found, dict), found
    assert {"kind", "document", "level", "region", "analysis"} <= set(found["filters"])
    assert {"document", "figure", "corpus text", "timeline", "evidence"} <= set(found["filters"]["kind"])
    assert found["texts"] and len(found["texts"]) < len(found["all"])
    assert all(r["filters"]["kind"] == ["corpus text"] and r["filters"]["region"] == ["east"] for r in found["texts"])
    assert found["figures"] and all(
        r["filters"]["kind"] == ["figure"] and "M County homestead pilot" in r["filters"]["document"]
        for r in found["figures"]
    )
    assert any(r["url"].endswith("/figures/m-county-homestead-pilot-keywords/index.html") for r in found["figures"])
    every = [r["url"] for key in ("all", "texts", "figures") for r in found[key]]
    assert not [u for u in every if "/v/" in u or u.endswith("/search/index.html")]  # old versions, search page
    # Navigation and footer are not indexed: no excerpt quotes them.
    assert not [r for r in found["all"] if "Skip to content" in r["content"] or "built with" in r["content"]]


def test_markup_in_a_corpus_value_shows_as_text_in_the_search_filters(driver, built_project, tmp_path):
    """Pagefind's UI writes filter names and values into the search page as HTML. A corpus's
    metadata value that is markup (a region `<img onerror=…>`) is shown as written there, in both
    editions, and never runs."""
    import csv

    hostile = "<img src=x onerror=window.__injected=1>"
    project = copy_built(built_project, tmp_path / "project")
    metadata = project / "data/corpora/cn-regulations-sample/metadata.csv"
    with open(metadata, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    local = next(r for r in rows if r["level"] == "local")
    local["region"] = hostile
    with open(metadata, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    run_build(project, traced=False)
    host = LoggingServer(project / "_site")
    threading.Thread(target=host.serve_forever, daemon=True).start()
    try:
        for edition in ("", "zh/"):
            driver.get(f"http://127.0.0.1:{host.server_address[1]}/{edition}search/index.html?q={local['id']}")
            wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".pagefind-ui__filter-label"))
            labels = driver.execute_script(
                "return Array.from(document.querySelectorAll('.pagefind-ui__filter-label'), e => e.textContent)"
            )
            assert any(label.startswith(hostile + " (") for label in labels), " | ".join(labels)
            assert driver.execute_script("return document.querySelectorAll('#search img').length") == 0
            assert driver.execute_script("return window.__injected") is None
            assert not any(path.startswith(f"/{edition}search/x") for path, _ in host.requests), host.requests
    finally:
        host.shutdown()


def test_figure_alt_text_and_data_table_are_indexed(driver, server, base_url, built_site):
    visit(driver, server, base_url + "search/index.html")
    page = driver.execute_async_script("""
const done = arguments[0];
import(new URL('../pagefind/pagefind.js', location.href).href).then(async pagefind => {
  const r = await pagefind.search(null, {filters: {kind: 'figure', analysis: 'Policy-tool proportions'}});
  done(await Promise.all(r.results.map(x => x.data())));
}).catch(e => done(String(e)));""")
    assert isinstance(page, list) and page
    record = next(r for r in page if r["url"].endswith("/figures/return-migrant-tool-types/index.html"))
    html = (built_site / "figures/return-migrant-tool-types/index.html").read_text(encoding="utf-8")
    alt = re.search(r'<p class="visually-hidden" id="fig-return-migrant-tool-types-alt">([^<]+)</p>', html).group(1)
    # The alt text and a cell of the data table are part of what the page is indexed with.
    assert alt.split(".")[0][:40] in record["content"]
    assert "supply" in record["content"]


MARK_KINDS = [  # (figure, what its marks lead to)
    ("return-migrant-tool-types", "quote"),  # a number reported by a document
    ("shanxi-collaborative-contest-keywords-zh", "contexts"),  # a document keyword
    ("cn-regulations-keywords-by-level", "evidence"),  # a corpus keyword
    ("cn-regulations-keyness-central-local", "evidence"),  # a keyness word
    ("cn-regulations-policy-sub-tools", "evidence"),  # a policy sub-tool
    ("return-migrant-entrepreneurship-timeline", "quote"),  # a timeline event
    ("m-county-pilot-trajectory-stages", "quote"),  # a stage of a process
]


@pytest.mark.parametrize("figure_id, kind", MARK_KINDS)
def test_clicking_a_mark_leads_to_its_evidence(driver, server, base_url, figure_id, kind):
    """A reader clicks a bar (or event, or stage) of the figure and lands on the passage, contexts
    or evidence page it was counted from, at the right anchor."""
    page = f"{base_url}figures/{figure_id}/index.html"
    visit(driver, server, page)
    marks = driver.find_elements(By.CSS_SELECTOR, "main svg.chart a[href]")
    assert marks, "no linked mark"
    mark = marks[len(marks) // 2]
    href = driver.execute_script("return arguments[0].getAttribute('href')", mark)
    tip = driver.execute_script("return arguments[0].querySelector(':scope > title').textContent", mark)
    assert tip.strip()
    # The same link is in the data table, on the row the mark shows.
    row = driver.find_element(By.XPATH, f"//table[contains(@class, 'data')]//a[@href='{href}']/ancestor::tr")
    cells = [td.text for td in row.find_elements(By.TAG_NAME, "td")]
    headers = [th.text for th in driver.find_elements(By.CSS_SELECTOR, "table.data thead th")]
    driver.get_log("browser")
    since = len(server.requests)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
    mark.click()
    target = urljoin(page, href)
    wait_for(driver, lambda d: d.current_url == target)
    settle(driver)
    assert_clean(driver, server, since)
    if kind == "quote":
        fragment = target.split("#", 1)[1]
        assert fragment.startswith("q-")
        passage = driver.execute_script(f"return document.getElementById('{fragment}').parentElement.textContent")
        quote = cells[headers.index("quote")]
        assert passage and (passage in quote or quote in passage), (passage, cells)
    else:
        word = re.split(r"[:(]", tip)[0].strip()
        assert word in cells
        assert word in driver.find_element(By.TAG_NAME, "h1").text
        assert ("/evidence/" if kind == "evidence" else "/keywords/") in target


def test_marks_are_reachable_by_keyboard(driver, server, base_url):
    """Tab reaches the marks of the figure; Enter follows one."""
    page = base_url + "figures/return-migrant-tool-types/index.html"
    visit(driver, server, page)
    body = driver.find_element(By.TAG_NAME, "body")
    for _ in range(80):
        body.send_keys(Keys.TAB) if _ == 0 else driver.switch_to.active_element.send_keys(Keys.TAB)
        if driver.execute_script("return !!document.activeElement.closest('svg.chart')"):
            break
    else:
        pytest.fail("Tab never reached a mark of the figure")
    # the first mark it reaches is the top bar (matplotlib draws the first row at the bottom)
    tops = driver.execute_script(
        "return Array.from(document.querySelectorAll('svg.chart a'), a => a.getBoundingClientRect().top)"
        ".concat([document.activeElement.getBoundingClientRect().top])"
    )
    assert len(tops) > 2 and tops[-1] == min(tops[:-1]) == tops[0], tops
    href = driver.execute_script("return document.activeElement.getAttribute('href')")
    name = driver.execute_script("return document.activeElement.querySelector('title').textContent")
    assert "%" in name and href.startswith("../../documents/")
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait_for(driver, lambda d: d.current_url == urljoin(page, href))


def test_figures_index_filters(driver, server, base_url, built_site):
    html = (built_site / "figures/index.html").read_text(encoding="utf-8")
    assert re.search(r'<form class="figure-filters" id="figure-filters" hidden>', html)  # shown only by JS
    visit(driver, server, base_url + "figures/index.html")
    cards = driver.find_elements(By.CSS_SELECTOR, ".figure-group .card")
    assert len(cards) == html.count('<li class="card"') and all(c.is_displayed() for c in cards)
    assert all(
        driver.execute_script("return arguments[0].naturalWidth", img) > 0 or img.get_attribute("loading") == "lazy"
        for img in driver.find_elements(By.CSS_SELECTOR, ".card img")
    )
    form = driver.find_element(By.ID, "figure-filters")
    assert form.is_displayed()
    # without JavaScript the form keeps its hidden attribute, and the style sheet must not show it:
    # its menus would do nothing (.figure-filters sets display: flex)
    hidden = "var f = arguments[0].cloneNode(true); f.id = ''; f.hidden = true; arguments[0].after(f);"
    hidden += " var shown = getComputedStyle(f).display; f.remove(); return shown"
    assert driver.execute_script(hidden, form) == "none"
    Select(driver.find_element(By.ID, "filter-document")).select_by_value("m-county-homestead-pilot")
    shown = [c for c in cards if c.is_displayed()]
    assert shown and len(shown) < len(cards)
    assert all("m-county-homestead-pilot" in c.get_attribute("data-documents").split() for c in shown)
    Select(driver.find_element(By.ID, "filter-kind")).select_by_value("timeline")
    both = [c for c in cards if c.is_displayed()]
    assert both and len(both) < len(shown) and all(c.get_attribute("data-kind") == "timeline" for c in both)
    assert driver.find_element(By.ID, "filter-count").text == f"{len(both)} of {len(cards)} figures"
    Select(driver.find_element(By.ID, "filter-document")).select_by_value("")
    Select(driver.find_element(By.ID, "filter-kind")).select_by_value("")
    assert all(c.is_displayed() for c in cards)


def test_chinese_renders_in_the_web_font(driver, server, base_url):
    visit(driver, server, base_url + DOCUMENT)
    state = driver.execute_async_script("""
const done = arguments[0];
document.fonts.ready.then(() => {
  const faces = Array.from(document.fonts).filter(f => f.family.replace(/"/g, '') === 'Pilot Site CJK');
  const probe = document.createElement('span');
  probe.textContent = '农村宅基地';
  probe.style.fontSize = '40px';
  document.body.append(probe);
  const widthIn = family => { probe.style.fontFamily = family; return probe.getBoundingClientRect().width; };
  done({loaded: faces.filter(f => f.status === 'loaded').length, faces: faces.length,
        check: document.fonts.check('16px "Pilot Site CJK"', '农村宅基地'),
        site: widthIn('"Pilot Site CJK"'), monospace: widthIn('monospace'), \
h1: getComputedStyle(document.querySelector('h1')).fontFamily});
});""")
    assert state["faces"] >= 1 and state["loaded"] >= 1, state
    # Every Chinese character the page shows (placeholders included) is covered by a face of the web
    # font, and the faces that cover them are loaded: no empty boxes.
    uncovered = driver.execute_async_script("""
const done = arguments[0];
const text = document.body.innerText + \
Array.from(document.querySelectorAll('[placeholder]')).map(e => e.placeholder).join('');
const chars = Array.from(new Set(Array.from(text).filter(c => /[\u3400-\u9fff]/.test(c))));
const faces = Array.from(document.fonts).filter(f => f.family.replace(/"/g, '') === 'Pilot Site CJK');
const ranges = faces.map(f => f.unicodeRange.split(',').map(r => \
r.trim().slice(2).split('-').map(h => parseInt(h, 16))));
const covered = c => ranges.some(rs => rs.some(([a, b]) => c.codePointAt(0) >= a && c.codePointAt(0) <= (b || a)));
document.fonts.ready.then(() => done({uncovered: chars.filter(c => !covered(c)), count: chars.length,
                                      loaded: document.fonts.check('16px "Pilot Site CJK"', chars.join(''))}));""")
    assert uncovered["count"] > 50 and uncovered["uncovered"] == [] and uncovered["loaded"] is True, uncovered
    assert state["check"] is True
    assert "Pilot Site CJK" in state["h1"]
    # With the web font each character is one em wide; without it (no CJK font on the system)
    # the fallback draws boxes of another width.
    assert abs(state["site"] - 5 * 40) < 2, state


def test_chinese_is_drawn_with_the_web_font_everywhere(driver, server, base_url):
    """Ask Chromium which font it actually drew each element with (DevTools CSS.getPlatformFontsForNode):
    every element with Chinese text must use only the site's web font for it, never a system font
    (a system font here drew the authors and venue of a document as empty boxes)."""
    pure_chinese_checked = [0]
    for page in (DOCUMENT, FIGURE, "index.html", "zh/index.html", "zh/" + FIGURE):
        visit(driver, server, base_url + page)
        driver.execute_async_script("document.fonts.ready.then(arguments[0])")
        driver.execute_cdp_cmd("DOM.enable", {})
        driver.execute_cdp_cmd("CSS.enable", {})
        root = driver.execute_cdp_cmd("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        selector = (
            "main dd, main p, main li, main span, main a, main td, main h2, h1, .site-header a, .site-title span, "
            "main pre, main code, main button"
        )
        nodes = driver.execute_cdp_cmd("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]
        checked = 0
        for node in nodes:
            # the fonts Chromium drew the node's own text nodes with (not its children's)
            fonts = driver.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            system = [f for f in fonts if not f.get("isCustomFont")]
            children = driver.execute_cdp_cmd("DOM.describeNode", {"nodeId": node, "depth": 1})["node"].get(
                "children", []
            )
            text = "".join(child.get("nodeValue", "") for child in children if child.get("nodeType") == 3)
            if fonts and re.search(r"[\u3400-\u9fff]", text):  # no fonts: not drawn (in a closed <details>)
                checked += 1
                assert any(f.get("isCustomFont") for f in fonts), (page, text[:120], fonts)
                # a system font may draw Latin text and punctuation, never a Chinese character
                cjk_only = re.fullmatch(r"[\u3400-\u9fff]+", text.strip()) is not None
                assert not (cjk_only and system), (page, text[:120], fonts)
                pure_chinese_checked[0] += cjk_only
        assert checked >= 2, page
    assert pure_chinese_checked[0] >= 1


# The parts of Pagefind's UI that show text: box, message, result and sub-result titles, excerpts,
# filter names and values, buttons.
SEARCH_UI_PARTS = (
    ".pagefind-ui__search-input, .pagefind-ui__message, .pagefind-ui__result-link, "
    ".pagefind-ui__result-excerpt, .pagefind-ui__filter-name, .pagefind-ui__filter-label, "
    ".pagefind-ui__button, .pagefind-ui__search-clear"
)


def test_search_ui_draws_chinese_with_the_web_font(driver, server, base_url):
    """Pagefind's UI names its own system-font stack (--pagefind-ui-font) and its box and buttons
    take the browser's form font; on a machine without a CJK font (CI's) that drew Chinese results
    and the typed query as empty boxes. Every part of the UI must use the site's stack, and Chromium
    must draw every node with Chinese in it with the web font (a pure-Chinese node with it alone)."""
    checked = {"title": 0, "excerpt": 0, "input": 0, "message": 0, "pure": 0}
    for query in ("锦标赛", "协同", "治理", "宅基地"):
        search(driver, server, base_url, query)
        driver.execute_script(
            "document.querySelectorAll('.pagefind-ui__filter-panel details, .pagefind-ui details')"
            ".forEach(d => d.open = true)"
        )  # filter values are drawn only when open
        driver.execute_async_script("document.fonts.ready.then(arguments[0])")
        parts = driver.execute_script(
            """
const found = Array.from(document.querySelectorAll(arguments[0]));
found.forEach((e, i) => e.setAttribute('data-font-probe', i));
return found.map(e => [e.className, e.tagName === 'INPUT' ? e.value : e.textContent, \
getComputedStyle(e).fontFamily]);""",
            SEARCH_UI_PARTS,
        )
        assert len(parts) > 5, query
        assert all(family.startswith('"Pilot Site CJK"') for _, _, family in parts), [
            p for p in parts if not p[2].startswith('"Pilot')
        ]
        driver.execute_cdp_cmd("DOM.enable", {})
        driver.execute_cdp_cmd("CSS.enable", {})
        root = driver.execute_cdp_cmd("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        for node in driver.execute_cdp_cmd("DOM.querySelectorAll", {"nodeId": root, "selector": "[data-font-probe]"})[
            "nodeIds"
        ]:
            attributes = driver.execute_cdp_cmd("DOM.getAttributes", {"nodeId": node})["attributes"]
            kind, text, _ = parts[int(dict(zip(attributes[::2], attributes[1::2], strict=False))["data-font-probe"])]
            text = text.strip()
            if not re.search(r"[\u3400-\u9fff]", text):
                continue
            fonts = driver.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            assert any(f.get("isCustomFont") for f in fonts), (query, kind, text[:80], fonts)
            if re.fullmatch(r"[\u3400-\u9fff]+", text):
                assert not [f for f in fonts if not f.get("isCustomFont")], (query, kind, text, fonts)
                checked["pure"] += 1
            for part, name in (
                ("title", "result-link"),
                ("excerpt", "result-excerpt"),
                ("input", "search-input"),
                ("message", "message"),
            ):
                checked[part] += f"pagefind-ui__{name}" in kind
    assert all(checked.values()), checked


def test_pages_fetch_at_most_500_kb_and_only_the_font_slices_they_need(driver, server, base_url, built_site):
    """Chromium's own count of the bytes a page fetches with an empty cache (transferSize: bodies
    and headers; the test server does not compress), for the heaviest corpus text and a document:
    within the budget, WOFF2 only, and fewer font slices than the site has."""
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from page_weight import BUDGET, Site, pages_of, weigh_page

    site = Site(built_site)
    texts = [p for p in pages_of(built_site) if p.startswith("corpus/") and "/texts/" in p]
    heaviest = max(texts, key=lambda p: weigh_page(site, p)[0])
    faces = len(site.stylesheet("assets/fonts/cjk.css").faces)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    try:
        for page in (heaviest, DOCUMENT, "zh/" + heaviest, "zh/" + DOCUMENT):
            visit(driver, server, base_url + page)
            entries = driver.execute_script("""
                return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                    .map(e => [e.name, e.transferSize]);""")
            counted = [(name, size) for name, size in entries if "/pagefind/" not in name]
            fonts = [name for name, _ in counted if re.search(r"\.(woff2?|ttf|otf)$", name)]
            total = sum(size for _, size in counted)
            assert total <= BUDGET, (page, total, sorted(counted, key=lambda e: -e[1])[:5])
            assert fonts and all(name.endswith(".woff2") for name in fonts), (page, fonts)
            assert len(fonts) < faces, (page, len(fonts), faces)
            # Chromium fetched what the bench counts for this page, and no more
            _, files = weigh_page(site, page)
            assert {name.split("/", 3)[-1] for name, _ in counted} <= set(files), page
    finally:
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": False})


def test_a_page_with_a_face_of_its_own_draws_every_character_with_the_web_font(driver, server, base_url, built_site):
    """A corpus text with many rare characters gets its own face (pilotsite/pages/webfont.py):
    Chromium fetches it, and every Chinese character is still drawn by a web font."""
    page = next(
        p.relative_to(built_site).as_posix()
        for p in sorted(built_site.rglob("corpus/*/texts/*/index.html"))
        if "Pilot Site CJK own" in p.read_text(encoding="utf-8")
    )
    visit(driver, server, base_url + page)
    fetched = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert any("/assets/fonts/own-" in name for name in fetched), fetched
    state = driver.execute_async_script("""
const done = arguments[0];
document.fonts.ready.then(() => {
  const text = document.querySelector('main').innerText;
  const chars = Array.from(new Set(Array.from(text).filter(c => /[\u3400-\u9fff]/.test(c)))).join('');
  const family = getComputedStyle(document.body).fontFamily;
  // every character is in the range of a loaded face of the site's web font (its own face or a slice)
  const loaded = Array.from(document.fonts).filter(f => f.family.replace(/"/g, '').startsWith('Pilot Site CJK') \
&& f.status === 'loaded');
  const ranges = loaded.map(f => f.unicodeRange.split(',').map(r => \
r.trim().slice(2).split('-').map(h => parseInt(h, 16))));
  const covered = c => ranges.some(rs => rs.some(([a, b]) => c.codePointAt(0) >= a && c.codePointAt(0) <= (b || a)));
  done({family, count: chars.length, uncovered: Array.from(chars).filter(c => !covered(c)),
        own: loaded.filter(f => f.family.replace(/"/g, '') === 'Pilot Site CJK own').length});
});""")
    assert state["family"].startswith('"Pilot Site CJK own"') and state["count"] > 100, state
    assert state["own"] == 1 and state["uncovered"] == [], state


def phone(driver, on: bool) -> None:
    if on:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride", {"width": 375, "height": 812, "deviceScaleFactor": 1, "mobile": True}
        )
    else:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        DOCUMENT,
        FIGURE,
        "figures/index.html",
        "documents/index.html",
        "corpus/index.html",
        "corpus/cn-regulations/texts/henan-0159/index.html",
        "methods/index.html",
        "data/index.html",
        "changes/index.html",
        "timeline/index.html",
        "search/index.html",
        "zh/index.html",
        "zh/" + FIGURE,
        "zh/search/index.html",
    ],
)
def test_no_horizontal_scroll_at_375px(driver, server, base_url, path):
    phone(driver, True)
    try:
        visit(driver, server, base_url + path)
        assert driver.execute_script("return window.innerWidth") == 375
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width}px wide at 375px"
        # Wide tables keep their width and scroll inside their own container.
        for wrap in driver.find_elements(By.CSS_SELECTOR, ".table-wrap"):
            assert driver.execute_script("return arguments[0].getBoundingClientRect().right", wrap) <= 375
    finally:
        phone(driver, False)


def test_a_figures_inputs_keep_each_digest_on_one_line_at_375px(driver, server, base_url):
    """The inputs table of a corpus figure (a row per file) wrapped each SHA-256 every few
    characters at phone width: a table thousands of pixels tall, and a long path widened the page."""
    phone(driver, True)
    try:
        visit(driver, server, base_url + "figures/cn-regulations-keyword-trends/index.html")
        digests = driver.find_elements(By.CSS_SELECTOR, "table.inputs code.hash")
        assert digests
        assert all(driver.execute_script("return arguments[0].getClientRects().length", d) == 1 for d in digests)
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 375
    finally:
        phone(driver, False)


def test_a_sentence_linked_to_is_marked(driver, server, base_url):
    """Evidence links to a corpus text's sentence (#s-N); the sentence reached is outlined, as a
    quoted passage of a document is."""
    visit(driver, server, base_url + "corpus/cn-regulations/texts/henan-0159/index.html#s-3")
    sentence = driver.find_element(By.ID, "s-3")
    assert driver.execute_script("return getComputedStyle(arguments[0]).outlineStyle", sentence) == "solid"
    other = driver.find_element(By.ID, "s-2")
    assert driver.execute_script("return getComputedStyle(arguments[0]).outlineStyle", other) == "none"


def test_skip_link_and_focus_ring(driver, server, base_url):
    visit(driver, server, base_url + DOCUMENT)
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    skip = driver.switch_to.active_element
    assert skip.get_attribute("class") == "skip" and skip.text == "Skip to content"
    rect = driver.execute_script("return arguments[0].getBoundingClientRect()", skip)
    assert rect["top"] >= 0 and rect["left"] >= 0  # on screen once focused
    outline = driver.execute_script(
        "const s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.outlineWidth]", skip
    )
    assert outline[0] != "none" and outline[1] != "0px"
    skip.send_keys(Keys.ENTER)
    wait_for(driver, lambda d: d.switch_to.active_element.get_attribute("id") == "main")
    assert driver.current_url.endswith("#main")
    driver.switch_to.active_element.send_keys(Keys.TAB)  # the next stop is inside the content
    assert driver.execute_script("return document.getElementById('main').contains(document.activeElement)")


def test_a_printed_page_leaves_out_the_screen_chrome_and_names_link_targets(driver, server, base_url):
    """The print stylesheet: no navigation, search, language switch or Copy buttons; figures and
    tables kept whole; each site link followed by its absolute address (print-links.js), so the
    paper says where a link went wherever the site is hosted."""
    import base64

    from pypdf import PdfReader
    from selenium.webdriver.common.print_page_options import PrintOptions

    visit(driver, server, base_url + FIGURE)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        hidden = driver.execute_script("""return ['.site-nav', '.site-search', '.edition-switch', 'button.copy']
            .map(s => document.querySelector(s)).filter(Boolean).map(e => getComputedStyle(e).display)""")
        assert hidden and set(hidden) == {"none"}, hidden
        kept_whole = driver.execute_script(
            "return ['figure', 'table'].map(s => getComputedStyle(document.querySelector('main ' + s)).breakInside)"
        )
        assert kept_whole == ["avoid", "avoid"]
        link = driver.find_element(By.CSS_SELECTOR, 'main a[href^="../../documents/"]:not(.breadcrumbs a, svg a)')
        after = driver.execute_script("return getComputedStyle(arguments[0], '::after').content", link)
        assert base_url + "documents/" in after, after
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = PdfReader(io.BytesIO(base64.b64decode(driver.print_page(PrintOptions()))))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in pdf.pages))
    assert (base_url + "documents/").replace(" ", "") in text  # a site link's target, absolute
    search_label = driver.find_element(By.CSS_SELECTOR, ".site-search button").get_attribute("textContent").strip()
    assert search_label and re.sub(r"\s+", "", search_label) not in text[:400]  # the header prints without its search


def test_screenshots(driver, server, base_url):
    """Screenshots at desktop and phone width, Chinese drawn in the web font (fonts awaited)."""
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir()
    from PIL import Image

    for name, path in (("home", "index.html"), ("document", DOCUMENT), ("figure", FIGURE)):
        for width_name, width in (("desktop", 1280), ("phone", 375)):
            phone(driver, width == 375)
            try:
                visit(driver, server, base_url + path)
                file = SCREENSHOTS / f"{name}-{width_name}.png"
                assert driver.save_screenshot(str(file))
                with Image.open(file) as image:
                    assert image.width == width
            finally:
                phone(driver, False)


def axe_source() -> str:
    import axe_selenium_python

    return (Path(axe_selenium_python.__file__).parent / "node_modules" / "axe-core" / "axe.min.js").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        DOCUMENT,
        FIGURE,
        "figures/index.html",
        "search/index.html?q=宅基地",
        "corpus/cn-regulations/texts/henan-0159/index.html",
        "documents/shanxi-collaborative-contest/keywords/zh-efd9849702/index.html",  # a keyword's contexts
        "zh/index.html",
        "zh/" + DOCUMENT,
        "zh/" + FIGURE,
        "zh/search/index.html?q=宅基地",
        "zh/corpus/cn-regulations/texts/henan-0159/index.html",
    ],
)
def test_axe_finds_no_serious_violations(driver, server, base_url, path):
    visit(driver, server, base_url + path)
    if "?q=" in path:
        wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".pagefind-ui__result-link"))
    driver.execute_script(axe_source())
    result = driver.execute_async_script(
        "const done = arguments[0]; axe.run(document).then(r => done(r.violations)).catch(e => done(String(e)));"
    )
    assert isinstance(result, list), result
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5])
        for v in result
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, f"{path}: {serious}"


FILTER_NAMES = "return Array.from(document.querySelectorAll('.pagefind-ui__filter-name'), e => e.textContent)"


def test_a_grouping_column_named_with_markup_and_a_colon_is_named_as_written_in_the_search_filters(
    driver, built_project, tmp_path
):
    """Pagefind indexes a filter's name as its attribute is written, entities and all, and splits
    the attribute at its first colon: the name had been shown escaped (`R&amp;amp;D …`). A `#` in
    the column had cut the links to its text lists; a grouping on the metadata's `kind` had put its
    values among the kinds of page."""
    import csv

    column = "R&D <b>tier</b> \"x\" 'y': z #2"
    project = copy_built(built_project, tmp_path / "project")
    metadata = project / "data/corpora/cn-regulations-sample/metadata.csv"
    with open(metadata, encoding="utf-8", newline="") as handle:
        rows = [{(column if k == "issuer_tier" else k): v for k, v in row.items()} for row in csv.DictReader(handle)]
    with open(metadata, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    corpora = project / "data/corpora.yaml"
    corpora.write_text(
        corpora.read_text(encoding="utf-8").replace(
            "    search_characters: 100000\n",
            f"    search_characters: 100000\n    groupings:\n      - {{column: level}}\n"
            f"      - {{column: {json.dumps(column)}}}\n      - {{column: kind}}\n",
        ),
        encoding="utf-8",
    )
    run_build(project, traced=False)
    assert list((project / "_site/corpus/cn-regulations/list").glob("r-d-b-tier-b-x-y-z-2/v-*/index.html"))
    # The texts' filters arrive after the search's results: they are shown all the same (the UI
    # showed the filters a search had loaded, and kept them when the rest came).
    host = LoggingServer(project / "_site", slow=lambda path: "/search/texts-" in path and "/filter/" in path)
    threading.Thread(target=host.serve_forever, daemon=True).start()
    try:
        for edition in ("", "zh/"):  # a column the catalogues do not name is named as written
            driver.get(f"http://127.0.0.1:{host.server_address[1]}/{edition}search/index.html?q=central")
            # each bundle's filters show as it is loaded: wait for those of the texts' bundles
            wanted = {"类别" if edition else "Kind", column}
            wait_for(driver, lambda d, wanted=wanted: wanted <= set(d.execute_script(FILTER_NAMES)))
            names = driver.execute_script(FILTER_NAMES)
            assert column in names, names
            assert driver.execute_script("return document.querySelectorAll('#search b').length") == 0
            assert driver.execute_script(
                "return Array.from(document.querySelectorAll('.pagefind-ui__filter-label'), e => e.textContent)"
                ".some(label => label.startsWith('provincial ('))"
            )
            blocks = driver.execute_script(
                "return Object.fromEntries(Array.from(document.querySelectorAll('.pagefind-ui__filter-block'), b =>"
                " [b.querySelector('.pagefind-ui__filter-name').textContent,"
                " Array.from(b.querySelectorAll('.pagefind-ui__filter-label'), l => l.textContent)]))"
            )
            page_kinds = blocks["页面类型" if edition else "Kind of page"]
            texts_kinds = blocks["类别" if edition else "Kind"]
            assert not any(label.startswith("地方性法规") for label in page_kinds), page_kinds
            assert any(label.startswith("地方性法规") for label in texts_kinds), texts_kinds
            # values the catalogues name in the edition's words (corpus.value.level.*), as on the corpus pages
            levels = sorted(label.split(" (")[0] for label in blocks["层级" if edition else "Level"])
            assert levels == (["中央", "地方"] if edition else ["central", "local"]), levels
    finally:
        host.shutdown()


@contextlib.contextmanager
def hosted(site: Path, **network):
    """The site served (LoggingServer: slow or missing files, as network names them); its address."""
    host = LoggingServer(site, **network)
    threading.Thread(target=host.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{host.server_address[1]}/"
    finally:
        host.shutdown()


def result_count(driver) -> int | None:
    message = driver.execute_script(
        "const m = document.querySelector('.pagefind-ui__message'); return m && m.textContent"
    )
    found = re.search(r"(\d+) results? for", message or "")
    return int(found.group(1)) if found else None


def searched(driver, address: str, typed: str) -> int:
    """The number of results for a query typed into the search page's box as soon as it shows."""
    driver.get(address + "search/index.html")
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#search input"))
    driver.find_element(By.CSS_SELECTOR, "#search input").send_keys(typed)
    return wait_for(driver, result_count)


def test_a_query_typed_before_the_corpora_bundles_arrive_is_searched_again_with_them(driver, built_site):
    """A reader who types while the corpora's filter files are on their way gets every filter and
    every result once they arrive: the UI searched the query again only if its words changed, so
    it kept the first search's filters (the site's own alone) and results."""
    with hosted(built_site) as address:
        driver.get(address + "search/index.html?q=policy")  # searched once every bundle is in
        fast = wait_for(driver, result_count)
        wait_for(driver, lambda d: {"level", "region"} <= {n.lower() for n in d.execute_script(FILTER_NAMES)})
    with hosted(built_site, slow=lambda path: "/corpus/" in path and "/filter/" in path) as address:
        assert searched(driver, address, "policy") <= fast
        wait_for(driver, lambda d: {"level", "region"} <= {n.lower() for n in d.execute_script(FILTER_NAMES)})
        wait_for(driver, lambda d: result_count(d) == fast)
        assert driver.find_element(By.CSS_SELECTOR, "#search input").get_attribute("value") == "policy"
        # the query is in the address as typed: back from a result, or reloaded, it is searched again
        assert urllib.parse.parse_qs(urllib.parse.urlsplit(driver.current_url).query) == {"q": ["policy"]}
        driver.refresh()
        wait_for(driver, lambda d: result_count(d) == fast, timeout=40)
        # cleared with the UI's button (no input event), the query leaves the address too
        driver.find_element(By.CSS_SELECTOR, ".pagefind-ui__search-clear").click()
        wait_for(driver, lambda d: "q=" not in urllib.parse.urlsplit(d.current_url).query)


def test_a_corpus_bundle_that_cannot_be_read_leaves_the_rest_searched(driver, built_site):
    """Pagefind searches every bundle it was given, and one it could not load failed every search
    ("Searching…" for ever): a bundle is merged only once its entry and metadata are read."""
    page = (built_site / "search/index.html").read_text(encoding="utf-8")
    shard = re.search(r'data-corpus-bundles="[^"]*?(corpus/[^/"]+/search/texts-[^ "]+)', page).group(1)
    with hosted(built_site) as address:
        driver.get(address + "search/index.html?q=policy")
        fast = wait_for(driver, result_count)
    with hosted(built_site, missing=lambda path: path.startswith(f"/{shard}pagefind-entry.json")) as address:
        driver.get(address + "search/index.html?q=policy")
        found = wait_for(driver, result_count)
    assert 0 < found <= fast
    assert not driver.find_element(By.CSS_SELECTOR, ".search-unavailable").is_displayed()


@pytest.mark.parametrize(
    "file",
    [
        "pagefind/pagefind.js",
        "pagefind/pagefind-ui.js",
        "pagefind/pagefind-entry.json",
        "pagefind/wasm.unknown.pagefind",
    ],
)
@pytest.mark.parametrize("edition", ["", "zh/"])
def test_a_search_page_whose_pagefind_cannot_load_says_so(driver, built_site, file, edition):
    """Without Pagefind's module, its UI or the site's own bundle, the box was missing or said
    "Searching…" for ever: the page says search could not be loaded, and where to browse."""
    catalogue = yaml.safe_load((ROOT / f"data/i18n/{edition.rstrip('/') or 'en'}.yaml").read_text(encoding="utf-8"))
    with hosted(built_site, missing=lambda path: path.split("?")[0] == f"/{edition}{file}") as address:
        driver.get(address + edition + "search/index.html?q=policy")
        message = wait_for(
            driver,
            lambda d: next(
                (e for e in d.find_elements(By.CSS_SELECTOR, ".search-unavailable") if e.is_displayed()), None
            ),
        )
        assert message.text.startswith(catalogue["search.unavailable_corpus"].split("：")[0].split(":")[0]), (
            message.text
        )
        assert message.find_elements(By.CSS_SELECTOR, "a[href$='documents/index.html']")


@pytest.mark.parametrize("edition", ["", "zh/"])
def test_the_search_page_opened_from_disk_says_search_needs_a_web_server(driver, built_site, edition):
    """Opened from disk (file:), where the browser does not let the page read the index, the
    search page said to reload it, which never helps: it says search needs the site served, and
    how (python build.py serve), and where to browse meanwhile."""
    catalogue = yaml.safe_load((ROOT / f"data/i18n/{edition.rstrip('/') or 'en'}.yaml").read_text(encoding="utf-8"))
    driver.get((built_site / edition / "search/index.html").as_uri())
    message = wait_for(
        driver,
        lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, "[role='alert']") if e.is_displayed()), None),
    )
    assert message.get_attribute("class") == "search-needs-server"
    opening = catalogue["search.needs_server_corpus"].split("{command}")[0]
    assert message.text.startswith(opening.strip()) and "python build.py serve" in message.text, message.text
    assert message.find_elements(By.CSS_SELECTOR, "a[href$='documents/index.html']")
    assert not driver.find_element(By.CSS_SELECTOR, ".search-unavailable").is_displayed()


def test_a_query_in_the_address_is_searched_while_a_file_hangs_and_again_when_it_comes(driver, built_site):
    """The query in the address waits for the word lists and filters, but not for ever: with one
    list stalled it was not searched, and the box was empty, until the list came."""
    # 社会保障 as typed is one word the index does not have: its results differ from the split query's
    query = urllib.parse.quote("社会保障")
    with hosted(built_site) as address:
        driver.get(address + f"search/index.html?q={query}")
        fast = wait_for(driver, result_count)
    stalled = lambda path: "/search/texts-" in path and path.endswith("/words.txt")  # noqa: E731
    with hosted(built_site, slow=stalled, delay=25) as address:
        driver.get(address + f"search/index.html?q={query}")
        started = time.monotonic()
        # meanwhile the query is in the box, and it is searched after 10 s
        wait_for(
            driver,
            lambda d: (
                d.execute_script("const i = document.querySelector('#search input'); return i && i.value") == "社会保障"
            ),
        )
        assert result_count(driver) is None
        assert wait_for(driver, result_count, timeout=18)
        assert time.monotonic() - started < 20
        wait_for(driver, lambda d: result_count(d) == fast, timeout=40)


def test_a_query_in_the_address_is_searched_without_the_word_splitter(driver, built_site):
    """query-words.js missing: the query in the address is searched as typed (the page stopped
    at the splitter it did not have, and searched nothing)."""
    with hosted(built_site, missing=lambda path: path.endswith("/query-words.js")) as address:
        driver.get(address + "search/index.html?q=policy")
        assert wait_for(driver, result_count) > 0


class HostServer(http.server.ThreadingHTTPServer):
    """Serves the built site under its path on the host (/policy-pilots/), as GitHub Pages or
    Netlify do: an address with no file behind it gets the site root's 404.html, status 404."""

    def __init__(self, site: Path, prefix: str):
        self.requests: list[tuple[str, int]] = []
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def translate_path(self, path):
                inside = path.startswith(prefix)
                return super().translate_path("/" + path[len(prefix) :] if inside else "/no-such-file")

            def send_error(self, code, message=None, explain=None):
                if code != 404:
                    return super().send_error(code, message, explain)
                body = (site / "404.html").read_bytes()
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_request(self, code="-", size="-"):
                server.requests.append((self.path, int(code) if str(code).isdigit() else 0))

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))


def test_the_not_found_page_served_at_a_deep_address_has_its_styles_fonts_and_working_links(driver, built_site):
    host = HostServer(built_site, "/policy-pilots/")
    threading.Thread(target=host.serve_forever, daemon=True).start()
    try:
        origin = f"http://127.0.0.1:{host.server_address[1]}"
        driver.get(f"{origin}/policy-pilots/documents/withdrawn-document/index.html")
        settle(driver)
        assert driver.find_element(By.TAG_NAME, "h1").text == "Page not found"
        assert ("/policy-pilots/documents/withdrawn-document/index.html", 404) in host.requests
        others = [(path, code) for path, code in host.requests if "withdrawn-document" not in path]
        assert any(path == "/policy-pilots/assets/style.css" for path, _ in others), others
        assert all(code == 200 for _, code in others), others  # its stylesheets, scripts and fonts
        links = driver.execute_script("return Array.from(document.querySelectorAll('main a'), a => a.href)")
        assert f"{origin}/policy-pilots/index.html" in links and f"{origin}/policy-pilots/zh/index.html" in links
        assert any(path.startswith("/policy-pilots/assets/fonts/cjk-") for path, _ in others), others  # its Chinese
        driver.find_element(By.CSS_SELECTOR, "main a[href='search/index.html']").click()
        wait_for(driver, lambda d: d.current_url == f"{origin}/policy-pilots/search/index.html")
    finally:
        host.shutdown()


@pytest.mark.parametrize(
    "address",
    ["documents/withdrawn-document/index.html", "zh/404.html"],  # served as GitHub Pages does; at its own address
)
def test_the_not_found_pages_skip_link_moves_to_its_own_main(driver, built_site, address):
    """The skip link's #main resolved against the not-found page's <base href> and took the reader
    to the home page: it moves to the page's own main, and the address stays."""
    host = HostServer(built_site, "/policy-pilots/")
    threading.Thread(target=host.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{host.server_address[1]}/policy-pilots/{address}"
        driver.get(url)
        settle(driver)
        assert driver.execute_script("return document.querySelector('base').getAttribute('href')").endswith("/")
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        skip = driver.switch_to.active_element
        assert skip.get_attribute("class") == "skip"
        skip.send_keys(Keys.ENTER)
        wait_for(driver, lambda d: d.switch_to.active_element.get_attribute("id") == "main")
        assert driver.current_url == url + "#main"
        assert driver.find_element(By.TAG_NAME, "h1").text in ("Page not found", "找不到页面")
    finally:
        host.shutdown()
