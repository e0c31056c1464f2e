"""The Quarto renderer's inputs: a valid website project with every page and fig- labels."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import build as build_module


@pytest.fixture(scope="module")
def quarto_project(built_project):
    return built_project / build_module.WORK_DIR / "pages", built_project / "_site"


def test_quarto_yml_is_a_complete_website_project(quarto_project):
    pages, _ = quarto_project
    config = yaml.safe_load((pages / "_quarto.yml").read_text(encoding="utf-8"))
    assert config["project"]["type"] == "website"
    rendered = config["project"]["render"]
    assert sorted(rendered) == sorted(p.relative_to(pages).as_posix() for p in pages.rglob("*.qmd"))
    for item in config["website"]["navbar"]["left"]:
        assert (pages / item["href"]).is_file()
    assert "figures/**/data.csv" in config["project"]["resources"]


def test_pages_have_front_matter_and_figure_labels(quarto_project):
    pages, _ = quarto_project
    for qmd in pages.rglob("*.qmd"):
        text = qmd.read_text(encoding="utf-8")
        front = yaml.safe_load(text.split("---\n")[1])
        assert front["title"] and front["lang"] in ("en", "zh")
    figure = (pages / "figures/return-migrant-tool-types/index.qmd").read_text(encoding="utf-8")
    # the figure is inline SVG (its marks are links), named by its title and described by its alt text
    assert (
        '<figure id="fig-return-migrant-tool-types" class="chart-figure" '
        'aria-describedby="fig-return-migrant-tool-types-alt"' in figure
    )
    assert '<svg class="chart"' in figure and 'id="fig-return-migrant-tool-types-alt"' in figure


def test_quarto_renderer_without_quarto_gives_a_clear_error(project_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(build_module.BuildError, match="`quarto` is not on PATH"):
        build_module.build(project_copy, tmp_path / "site", renderer="quarto")


@pytest.mark.skipif(
    shutil.which("quarto") is None, reason="Quarto is not installed on this machine (it cannot be installed offline)"
)
def test_real_quarto_render(project_copy, tmp_path):
    out = tmp_path / "site"
    build_module.build(project_copy, out, renderer="quarto")
    assert (out / "figures/return-migrant-tool-types/index.html").is_file()
    subprocess.run(["quarto", "--version"], check=True)


PANACHE = [
    str(Path(sys.executable).with_name("panache")),
    "lint",
    "--isolated",
    "--no-cache",
    "--message-format",
    "short",
]


def panache_lint(folder, files: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(PANACHE + files, cwd=folder, capture_output=True, text=True, timeout=600)


def test_generated_project_passes_panache_lint_against_quartos_schema(quarto_project, tmp_path):
    """`panache lint` (panache-cli) checks front matter and project YAML against Quarto's own
    schema. A folder with _quarto.yml is read as a project and every page indexed again for each
    page linted (half a minute a page here), so the pages are linted in a copy without it and
    _quarto.yml on its own: what each check looks at is the same."""
    pages, _ = quarto_project
    copy = tmp_path / "pages"
    shutil.copytree(pages, copy, ignore=shutil.ignore_patterns("_quarto.yml", "assets"))
    files = sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*.qmd"))
    result = panache_lint(copy, files)
    assert result.returncode == 0 and f"No issues found in {len(files)} file(s)" in result.stdout + result.stderr, (
        result.stdout + result.stderr
    )
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(pages / "_quarto.yml", project / "_quarto.yml")
    result = panache_lint(project, ["_quarto.yml"])
    assert result.returncode == 0 and "No issues found in 1 file(s)" in result.stdout + result.stderr, (
        result.stdout + result.stderr
    )


def test_panache_lint_catches_a_value_quartos_schema_refuses(quarto_project, tmp_path):
    pages, _ = quarto_project
    text = (pages / "index.qmd").read_text(encoding="utf-8")
    (tmp_path / "index.qmd").write_text(text.replace("---\n", "---\ntoc: maybe\n", 1), encoding="utf-8")
    config = (
        (pages / "_quarto.yml").read_text(encoding="utf-8").replace("website:\n", "website:\n  reader-mode: maybe\n", 1)
    )
    (tmp_path / "_quarto.yml").write_text(config, encoding="utf-8")
    for name in ("index.qmd", "_quarto.yml"):
        folder = tmp_path / name.replace(".", "-")
        folder.mkdir()
        shutil.move(tmp_path / name, folder / name)
        result = panache_lint(folder, [name])
        assert result.returncode == 1 and "quarto-schema" in result.stdout + result.stderr, (
            name,
            result.stdout + result.stderr,
        )
