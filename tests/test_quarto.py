"""The Quarto renderer's inputs: a valid website project with every page and fig- labels."""
import shutil
import subprocess

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
    assert "](figure.svg){#fig-return-migrant-tool-types fig-alt=" in figure


def test_quarto_renderer_without_quarto_gives_a_clear_error(project_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(build_module.BuildError, match="`quarto` is not on PATH"):
        build_module.build(project_copy, tmp_path / "site", renderer="quarto")


@pytest.mark.skipif(shutil.which("quarto") is None, reason="Quarto is not installed on this machine (it cannot be installed offline)")
def test_real_quarto_render(project_copy, tmp_path):
    out = tmp_path / "site"
    build_module.build(project_copy, out, renderer="quarto")
    assert (out / "figures/return-migrant-tool-types/index.html").is_file()
    subprocess.run(["quarto", "--version"], check=True)
