"""Where a project's inputs live, and the site settings in data/site.yaml."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import BuildError, Problem

SITE_SETTINGS = "data/site.yaml"
EVENTS = "data/timelines/events.csv"
STAGES = "data/timelines/stages.csv"
REQUIRED_SETTINGS = ("title", "title_zh", "authors", "date", "licence", "licence_id", "licence_url", "site_url")


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


@dataclass(frozen=True)
class Project:
    """A project folder: data/, analyses/, site/ under one root."""

    root: Path
    settings: SiteSettings = field(compare=False)

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


def load_yaml(path: Path, label: str) -> object:
    """Parse YAML safely (never constructs Python objects) with errors naming the line."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BuildError([Problem(label, "file not found")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise BuildError([Problem(label, f"not valid YAML: {problem}", line=line)]) from None
    except UnicodeDecodeError as exc:
        raise BuildError([Problem(label, f"not UTF-8 (byte offset {exc.start})")]) from None


def open_project(root: Path, site_url: str | None = None) -> Project:
    """Read data/site.yaml and return the project rooted at root."""
    raw = load_yaml(root / SITE_SETTINGS, SITE_SETTINGS)
    if not isinstance(raw, dict):
        raise BuildError([Problem(SITE_SETTINGS, "expected a mapping of settings")])
    missing = [key for key in REQUIRED_SETTINGS if not raw.get(key)]
    if missing:
        raise BuildError([Problem(SITE_SETTINGS, f"missing setting '{key}'") for key in missing])
    settings = SiteSettings(
        title=str(raw["title"]),
        title_zh=str(raw["title_zh"]),
        authors=tuple(str(a) for a in raw["authors"]),
        date=str(raw["date"]),
        licence=str(raw["licence"]),
        licence_id=str(raw["licence_id"]),
        licence_url=str(raw["licence_url"]),
        site_url=(site_url if site_url is not None else str(raw.get("site_url") or "")).rstrip("/"),
    )
    if not settings.site_url.startswith(("https://", "http://")):
        raise BuildError([Problem(SITE_SETTINGS, f"site_url must be an absolute http(s) URL, found '{settings.site_url}'")])
    return Project(root=root, settings=settings)
