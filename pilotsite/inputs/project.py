"""Where a project's inputs live, and the site settings in data/site.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pilotsite.errors import OptionError
from pilotsite.inputs.interface import Interface, load_interface

if TYPE_CHECKING:
    from pilotsite.inputs.tables import ValidatedTables

SITE_SETTINGS = "data/site.yaml"
EVENTS = "data/timelines/events.csv"
STAGES = "data/timelines/stages.csv"


@dataclass(frozen=True)
class SiteSettings:
    """Site-wide settings a maintainer edits in data/site.yaml."""

    title: str
    title_zh: str
    authors: tuple[str, ...]
    date: str  # the edition date shown in citations; comes from data, never the clock
    licence: str
    licence_id: str  # SPDX identifier, e.g. CC-BY-4.0
    licence_url: str
    site_url: str  # absolute, without a trailing slash
    code_licence_id: str = ""  # SPDX identifier of the code's licence where it differs (e.g. MIT)
    code_licence_url: str = ""
    licence_zh: str = ""  # the licence line in the Chinese edition (default: licence)
    interface: Interface = Interface(())  # the interface's texts in each language (data/i18n/)

    def title_in(self, language: str) -> str:
        """The site's title in the language, where site.yaml gives one (title_zh), else its title."""
        return in_edition(language, self.title, self.title_zh)

    def licence_in(self, language: str) -> str:
        """The licence line in the language, where site.yaml gives one (licence_zh), else licence."""
        return in_edition(language, self.licence, self.licence_zh)


def in_edition(language: str, words: str, words_zh: str) -> str:
    """A setting's words in an edition's language: its Chinese ones (a _zh field) where given, else its own."""
    return (words_zh if language == "zh" else "") or words


@dataclass(frozen=True)
class Project:
    """A project folder: data/, analyses/, site/ under one root."""

    root: Path
    settings: SiteSettings = field(compare=False)
    # which tables already passed validation (None: validate every time)
    validated_tables: ValidatedTables | None = field(default=None, compare=False)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def analyses(self) -> Path:
        return self.root / "analyses"

    @property
    def site(self) -> Path:
        return self.root / "site"

    def path(self, relative_path: str) -> Path:
        return self.root / relative_path


def open_project(root: Path, site_url: str | None = None, validated_tables: ValidatedTables | None = None) -> Project:
    """Read data/site.yaml (validated against schemas.SiteConfig) and return the project rooted at
    root; validated_tables (a tables.ValidatedTables) spares re-validating unchanged tables."""
    from pilotsite.inputs.schemas import SITE_URL_EXPECTED, SITE_URL_PATTERN, SiteConfig, validate

    config = validate(SiteConfig, root / SITE_SETTINGS, SITE_SETTINGS)
    settings = SiteSettings(
        title=config.title,
        title_zh=config.title_zh,
        authors=tuple(config.authors),
        date=config.date,
        licence=config.licence,
        licence_id=config.licence_id,
        licence_url=config.licence_url,
        site_url=(site_url if site_url is not None else config.site_url).rstrip("/"),
        code_licence_id=config.code_licence_id or "",
        code_licence_url=config.code_licence_url or "",
        licence_zh=config.licence_zh or "",
        interface=load_interface(root),
    )
    if site_url is not None and not re.match(SITE_URL_PATTERN, site_url):  # given on the command line
        raise OptionError(f"--site-url: found '{site_url}', expected {SITE_URL_EXPECTED}")
    return Project(root=root, settings=settings, validated_tables=validated_tables)
