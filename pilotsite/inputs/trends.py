"""data/trends.yaml: what the corpus studies over time look at (keyword trends, the periods
compared, the policy terms whose diffusion is traced). Optional: without the file every
setting has its default (schemas.TrendsConfig)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pilotsite.inputs.project import Project

if TYPE_CHECKING:
    from pilotsite.inputs.schemas import TrendsConfig

TRENDS = "data/trends.yaml"


def load_trends(project: Project) -> TrendsConfig:
    """The validated settings (a schemas.TrendsConfig), the defaults when the file is absent."""
    from pilotsite.inputs.schemas import TrendsConfig, validate

    path = project.path(TRENDS)
    return validate(TrendsConfig, path, TRENDS) if path.is_file() else TrendsConfig()
