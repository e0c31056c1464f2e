"""The embedded renderer: pandoc's output, and the shortcut for bodies of raw HTML only."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pilotsite.rendering.embedded import pandoc_to_html, raw_html_only, split_front_matter


def test_raw_html_bodies_are_rendered_exactly_as_pandoc_renders_them(built_project):
    bodies = [
        split_front_matter(p.read_text(encoding="utf-8"))
        for p in sorted((built_project / ".build/pages").rglob("*.qmd"))
    ]
    raw = [(body, raw_html_only(body)) for body in bodies]
    direct = [(body, html) for body, html in raw if html is not None]
    # every page takes the shortcut since figures are inline SVG, not Markdown images (a body with
    # Markdown outside raw blocks goes through pandoc: the next test)
    assert bodies and len(direct) == len(bodies)
    assert pandoc_to_html([body for body, _ in direct]) == [html for _, html in direct]


def test_a_body_with_markdown_outside_raw_blocks_goes_through_pandoc():
    assert raw_html_only("```{=html}\n<p>a</p>\n```\n\n*b*\n") is None
    assert raw_html_only("no raw block at all\n") is None
    assert raw_html_only("\n```{=html}\n<p>a</p>\n```\n\n```{=html}\n<p>b</p>\n```\n") == "<p>a</p>\n<p>b</p>\n"


def test_empty_and_blank_edged_raw_blocks_match_pandoc():
    bodies = [
        "```{=html}\n```\n\n```{=html}\n<p>x</p>\n```\n",
        "```{=html}\n\n```\n",
        "```{=html}\n<p>x</p>\n\n```\n",
        "```{=html}\n\n<p>x</p>\n```\n",
    ]
    assert [raw_html_only(b) for b in bodies] == [pandoc_to_html([b])[0] for b in bodies]


FENCE_PIECES = [
    "```{=html}\n",
    "```\n",
    "<p>x</p>\n",
    "\n",
    "  ",
    "*b*\n",
    "``` \n",
    "````\n",
    "```{=html}",
    "a```\n",
    "  ```\n",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FENCE_PIECES), max_size=9).map("".join))
def test_whatever_the_shortcut_takes_pandoc_renders_the_same(body):
    """raw_html_only finds its fences with str.find: any body it takes, however its fences are
    placed, indented, unclosed or empty, pandoc renders to exactly what it returns. (The regular
    expression it replaced took "``` " inside a block for content, where pandoc ends the block.)"""
    direct = raw_html_only(body)
    if direct is not None:
        assert direct == pandoc_to_html([body])[0], body


def test_a_template_error_in_a_page_rendered_by_the_workers_is_reported_as_the_build_reports_it(tmp_path):
    """Pages outside the per-text stage render in forked workers (rendering/in_workers.py); an
    error there must reach the maintainer exactly as it does without workers: one plain message
    naming the interface text and its missing value, no traceback, nothing published."""
    import shutil

    from conftest import copy_project, run_build

    root = copy_project(tmp_path / "project")
    (root / "data/corpora.yaml").unlink()  # quicker: no corpus
    shutil.rmtree(root / "data/timelines")
    template = root / "site/templates/base.qmd.j2"  # every page; the version pages are the most
    text = template.read_text(encoding="utf-8")
    template.write_text(
        text.replace(
            "{% block body %}",
            '{% if page.figure_version %}{{ site.t("figure.version_note") }}{% endif %}{% block body %}',
        ),
        encoding="utf-8",
    )
    expected = "a template asks for the interface text 'figure.version_note' without a value for {number}"
    for jobs in ("2", "1"):  # with the workers, and without them
        result = run_build(root, "--jobs", jobs, check=False)
        assert result.returncode == 2, result.stdout + result.stderr
        assert expected in result.stderr and "Traceback" not in result.stderr, result.stderr
        assert "build: build:" not in result.stderr
        assert not (root / "_site").exists()


def test_templates_the_workers_compiled_are_kept_for_the_next_builds_workers(built_project, monkeypatch):
    """Every build forks the workers that render its pages (rendering/in_workers.py), which would
    compile every template again; the build keeps what they compiled in .build/cache/templates, by
    each template's source, and a new environment over it loads them without compiling."""
    import jinja2

    from pilotsite.pages.sources import site_templates, template_environment

    def refuse(*args, **kwargs):
        raise AssertionError("compiled again")

    templates = site_templates(built_project / "site")
    env = template_environment(None, built_project / ".build/cache/templates", templates=templates)
    monkeypatch.setattr(jinja2.Environment, "compile", refuse)
    for name in ("figure.qmd.j2", "version.qmd.j2", "document.qmd.j2", "base.qmd.j2", "_macros.html.j2"):
        assert env.get_template(name).render  # from the kept bytecode
    # an edited template is compiled again: the bytecode is kept by source
    edited = tuple((name, source + "\n" if name == "figure.qmd.j2" else source) for name, source in templates)
    with pytest.raises(AssertionError, match="compiled again"):
        template_environment(None, built_project / ".build/cache/templates", templates=edited).get_template(
            "figure.qmd.j2"
        )


def test_a_mistake_in_a_template_or_layout_is_bad_input_naming_its_file_and_line(tmp_path):
    """A template's syntax error or a name it uses that the page lacks had ended in a Jinja2
    traceback and exit 1, which --check uses for "the site differs" (the build and --check share
    this path)."""
    import shutil

    from conftest import copy_project, run_build

    root = copy_project(tmp_path / "project")
    (root / "data/corpora.yaml").unlink()  # quicker: no corpus
    shutil.rmtree(root / "data/timelines")
    template = root / "site/templates/index.qmd.j2"
    original = template.read_text(encoding="utf-8")
    lines = original.split("\n")
    template.write_text("\n".join([*lines[:4], lines[4] + " {% if %}", *lines[5:]]), encoding="utf-8")
    result = run_build(root, check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "site/templates/index.qmd.j2, line 5: template error: Expected an expression" in result.stderr
    template.write_text(original, encoding="utf-8")
    layout = root / "site/layouts/page.html.j2"
    text = layout.read_text(encoding="utf-8")
    line = text[: text.index("<head>")].count("\n") + 1
    layout.write_text(text.replace("<head>", "<head>{{ page.no_such_field }}", 1), encoding="utf-8")
    result = run_build(root, check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert f"page.html.j2, line {line}: template error: " in result.stderr and "no_such_field" in result.stderr
    assert not (root / "_site").exists()
