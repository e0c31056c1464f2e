"""Atom feeds of new figure versions: one for the whole site beside "What changed"
(changes/atom.xml) and one per figure beside its page (figures/<id>/atom.xml), in each edition.

A citer who follows a figure's feed is told when it gets a new version. An entry is made only
from its own ledger entry (its figure, number, version, edition date and what changed) and the
title its version froze, so a data update adds entries and leaves every earlier one as it was;
its id is the permanent anchor of that entry on the What changed page. Dates are edition dates
from the data: the build never reads the clock. Written with feedgen.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from pilotsite.pages.model import EDITIONS, SiteModel, VersionEntry, in_words, version_meta

FEED = "atom.xml"  # the file's name, beside the page it follows


def figure_feed_title(model: SiteModel, figure_id: str) -> str:
    """The title of a drawn figure's feed: the figure's title in the edition's language, as its
    page shows it (not its id)."""
    site = model.project.settings.title_in(model.language)
    title = in_words(model.results[figure_id].figure.title)
    return model.interface.text("feed.figure_title", figure=title, site=site)


def version_title(model: SiteModel, figure_id: str, version: str) -> str:
    """A published version's title in the edition's language, as its page shows it: frozen
    with the version (its meta.json), so a feed's entry keeps it when the figure is renamed."""
    return model.version_words(figure_id, version_meta(model, figure_id, version))["title"]


def edition_time(edition: str) -> datetime:
    """An edition date (YYYY-MM-DD) as the midnight UTC Atom's dates need."""
    return datetime.strptime(edition, "%Y-%m-%d").replace(tzinfo=UTC)


def atom_feed(
    *,
    title: str,
    feed_url: str,
    page_url: str,
    entries: list[VersionEntry],
    site_url: str,
    language: str,
    authors: tuple[str, ...],
    fallback_date: str,
    entry_title: Callable[[VersionEntry], str],
    summary_label: Callable[[VersionEntry], str],
) -> bytes:
    """The feed of these entries, newest first. feed_url: its own absolute URL; page_url: the page
    it follows. entry_title(entry) and summary_label(entry) give an entry's words in the edition's
    language."""
    from feedgen.feed import FeedGenerator

    folder = EDITIONS[language]
    feed = FeedGenerator()
    feed.id(feed_url)
    feed.title(title)
    feed.language(language)
    feed.link(href=feed_url, rel="self", type="application/atom+xml")
    feed.link(href=page_url, rel="alternate", type="text/html")
    for author in authors:
        feed.author(name=author)
    feed.updated(edition_time(max((e.edition for e in entries), default=fallback_date)))
    # feedgen puts the last added entry first: add the oldest first, in the order the ledger
    # records them (a return to an earlier version comes after the version it replaced)
    for entry in sorted(entries, key=lambda e: (e.edition, e.figure.label, e.position)):
        item = feed.add_entry()
        item.id(f"{site_url}/{folder}changes/index.html#{entry.anchor}")
        item.title(entry_title(entry))
        # the version's address as its citations and canonical link give it (its id stays as it was published)
        item.link(href=f"{site_url}/{folder}figures/{entry.figure.label}/v/{entry.version}/", rel="alternate")
        item.updated(edition_time(entry.edition))
        item.published(edition_time(entry.edition))
        item.summary(summary_label(entry))
    atom: bytes = feed.atom_str(pretty=True)  # feedgen has no type information
    return atom
