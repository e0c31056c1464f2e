"""Following updates: the Atom feeds of new figure versions, read by a real feed parser."""

import json
from pathlib import Path

import feedparser
import lxml.html
import pytest

from conftest import copy_built, run_build

SITE_URL = "https://example.org/policy-pilots"
FIGURE = "return-migrant-tool-types"
TOOL_TYPES = "data/reported/return-migrant-entrepreneurship/tool-types.csv"


def read_feed(path: Path) -> feedparser.FeedParserDict:
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, (path, feed.get("bozo_exception"))
    assert feed.version == "atom10", path
    return feed


def site_file(site: Path, url: str) -> Path:
    assert url.startswith(SITE_URL + "/"), url
    path = url[len(SITE_URL) + 1 :]
    return site / (path + "index.html" if path.endswith("/") else path)  # a folder's address: its index page


def entries_of(feed) -> dict[str, tuple]:
    return {e.id: (e.title, e.link, e.summary, e.updated) for e in feed.entries}


def announced_feeds(page: Path) -> list[Path]:
    tree = lxml.html.fromstring(page.read_bytes())
    return [(page.parent / href).resolve() for href in tree.xpath("//head/link[@type='application/atom+xml']/@href")]


def test_feeds_parse_cover_the_ledger_and_every_entry_resolves(built_project, built_site):
    ledger = json.loads((built_project / "history/ledger.json").read_text(encoding="utf-8"))["figures"]
    for edition in ("", "zh/"):
        feed = read_feed(built_site / edition / "changes/atom.xml")
        assert len(feed.entries) == sum(len(history) for history in ledger.values())
        assert len(entries_of(feed)) == len(feed.entries)  # ids are unique
        assert feed.feed.link == f"{SITE_URL}/{edition}changes/"  # addresses as canonical links give them
        for entry in feed.entries:
            assert site_file(built_site, entry.link).is_file(), entry.link
            assert entry.summary and entry.title
        dates = [e.updated for e in feed.entries]
        assert feed.feed.updated == max(dates)
        for figure in (built_site / edition / "figures").glob("*/atom.xml"):
            own = read_feed(figure)
            history = ledger[figure.parent.name]
            assert len(own.entries) == len(history)
            assert {e.link for e in own.entries} == {
                f"{SITE_URL}/{edition}figures/{figure.parent.name}/v/{h['version']}/" for h in history
            }
    # announced where a reader (and a feed reader's autodiscovery) looks for them
    changes = (built_site / "changes/atom.xml").resolve()
    assert changes in announced_feeds(built_site / "index.html")
    assert changes in announced_feeds(built_site / "changes/index.html")
    figure_page = built_site / "figures" / FIGURE / "index.html"
    own = (built_site / "figures" / FIGURE / "atom.xml").resolve()
    assert announced_feeds(figure_page)[0] == own and changes in announced_feeds(figure_page)
    version_page = next((built_site / "figures" / FIGURE / "v").glob("*/index.html"))
    assert announced_feeds(version_page) == [own]
    assert 'href="atom.xml" type="application/atom+xml"' in figure_page.read_text(
        encoding="utf-8"
    )  # and a visible link
    zh = announced_feeds(built_site / "zh/figures" / FIGURE / "index.html")
    assert zh[0] == (built_site / "zh/figures" / FIGURE / "atom.xml").resolve()


@pytest.mark.untraced
def test_a_data_update_adds_entries_and_changes_no_old_one(built_project, tmp_path):
    root = copy_built(built_project, tmp_path / "project")
    site = root / "_site"
    before = {edition: entries_of(read_feed(site / edition / "changes/atom.xml")) for edition in ("", "zh/")}
    figure_before = entries_of(read_feed(site / "figures" / FIGURE / "atom.xml"))
    path = root / TOOL_TYPES
    path.write_text(path.read_text(encoding="utf-8").replace("Results ›", "Results (revised) ›", 1), encoding="utf-8")
    run_build(root)
    ledger = json.loads((root / "history/ledger.json").read_text(encoding="utf-8"))["figures"]
    newest = ledger[FIGURE][-1]["version"]
    for edition in ("", "zh/"):
        after = entries_of(read_feed(site / edition / "changes/atom.xml"))
        assert {k: after.get(k) for k in before[edition]} == before[edition]  # no old entry changed
        added = set(after) - set(before[edition])
        assert added and any(after[k][1].endswith(f"/{FIGURE}/v/{newest}/") for k in added)
    figure_after = entries_of(read_feed(site / "figures" / FIGURE / "atom.xml"))
    assert {k: figure_after.get(k) for k in figure_before} == figure_before
    assert len(figure_after) == len(figure_before) + 1


def test_feeds_name_figures_and_versions_by_their_titles_in_the_editions_language(built_site):
    """Entries read "wenling-participatory-budgeting-timeline: version 4" and a figure's feed "New
    versions of keyword-overlap", in the Chinese feeds too: each names the figure by the title its
    page shows, in the feed's language (an entry by its version's), and keeps its id."""
    for edition in ("", "zh/"):
        feed = read_feed(built_site / edition / "changes/atom.xml")
        for entry in feed.entries:
            version_page = lxml.html.fromstring(site_file(built_site, entry.link).read_bytes())
            title = version_page.xpath("//meta[@name='citation_title']/@content")[0]
            figure_id = entry.link.split("/figures/")[1].split("/")[0]
            assert title in entry.title and figure_id not in entry.title, (entry.title, title)
            assert entry.id.startswith(f"{SITE_URL}/{edition}changes/index.html#{figure_id}-"), entry.id
        for path in (built_site / edition / "figures").glob("*/atom.xml"):
            page = lxml.html.fromstring((path.parent / "index.html").read_bytes())
            title = page.xpath("string(//h1)")
            own = read_feed(path)
            assert title in own.feed.title and path.parent.name not in own.feed.title, own.feed.title
    zh = read_feed(built_site / "zh/figures/keyword-overlap/atom.xml")
    assert zh.feed.title.startswith("“文献之间共有的关键词”的新版本"), zh.feed.title
    assert all(e.title.startswith("文献之间共有的关键词（第 ") for e in zh.entries), [e.title for e in zh.entries]


def test_the_home_page_links_the_changes_feed_visibly(built_site):
    """The README says the home page links the feeds visibly, as What changed and the figure pages
    do; it only announced it in its <head>."""
    for edition in ("", "zh/"):
        page = built_site / edition / "index.html"
        links = lxml.html.fromstring(page.read_bytes()).xpath("//main//a[@type='application/atom+xml']/@href")
        assert [(page.parent / href).resolve() for href in links] == [
            (built_site / edition / "changes/atom.xml").resolve()
        ], (edition, links)
