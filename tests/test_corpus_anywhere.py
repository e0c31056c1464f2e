"""A corpus named by an absolute path outside the project is an input like any other: adding a
text to it is seen by the no-op check, by --check and by `serve`'s watcher. Where it lies is not
published: the site names its files under data/corpora/<id>/, and moving it changes nothing."""

from __future__ import annotations

import csv
import re
import shutil

import pytest

from conftest import ROOT, copy_built, run_build, tree_hashes
from pilotsite.preview import snapshot
from pilotsite.state.workspace import input_files

SAMPLE = ROOT / "data/corpora/cn-regulations-sample"
NEW_TEXT = "第一条 为了推进返乡创业试点工作，制定本条例。\n第二条 本条例自公布之日起施行。\n"


def add_text(corpus, text_id: str) -> None:
    (corpus / "texts/added").mkdir(parents=True, exist_ok=True)
    (corpus / f"texts/added/{text_id}.md").write_text(NEW_TEXT, encoding="utf-8")
    with open(corpus / "metadata.csv", encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    row = dict.fromkeys(header, "") | {
        "id": text_id,
        "title": "某市返乡创业试点条例",
        "level": "local",
        "region": "east",
        "province": "北京",
        "issuer_tier": "municipal",
        "file": f"texts/added/{text_id}.md",
    }
    with open(corpus / "metadata.csv", "a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=header, lineterminator="\n").writerow(row)


@pytest.mark.long(seconds=68)
@pytest.mark.untraced  # the loop over outside corpora it alone reached: the test of input_files below
def test_a_corpus_outside_the_project_is_watched_checked_and_rebuilt(built_project, tmp_path):
    project_copy = copy_built(built_project, tmp_path / "project")
    corpus = tmp_path / "elsewhere" / "regulations"
    shutil.copytree(SAMPLE, corpus)
    config = project_copy / "data/corpora.yaml"
    settings = config.read_text(encoding="utf-8")
    assert "path: data/corpora/cn-regulations-sample\n" in settings
    config.write_text(settings.replace("path: data/corpora/cn-regulations-sample", f"path: {corpus}"), encoding="utf-8")
    run_build(project_copy)
    # The site names the corpus's files as its deposit bundles hold them (data/corpora/<id>/):
    # no local path is published, and the corpus moved elsewhere gives the same site, redrawing nothing.
    site = tree_hashes(project_copy / "_site")
    needle = str(tmp_path).encode()
    assert not [p for p in (project_copy / "_site").rglob("*") if p.is_file() and needle in p.read_bytes()]
    assert "data/corpora/cn-regulations/metadata.csv" in (
        project_copy / "_site/figures/cn-regulations-keywords-by-level/inputs.csv"
    ).read_text(encoding="utf-8")
    moved = tmp_path / "moved" / "regulations"
    shutil.move(corpus, moved)
    config.write_text(settings.replace("path: data/corpora/cn-regulations-sample", f"path: {moved}"), encoding="utf-8")
    assert re.search(r"\b0 of \d+ figures rebuilt", run_build(project_copy).stdout)
    assert tree_hashes(project_copy / "_site") == site
    corpus = moved
    page = project_copy / "_site/corpus/cn-regulations/texts/added-0001/index.html"
    assert not page.exists()
    watched = snapshot(project_copy)
    assert f"{corpus}/metadata.csv" in watched

    add_text(corpus, "added-0001")
    assert snapshot(project_copy) != watched, "serve's watcher does not see the corpus change"
    check = run_build(project_copy, "--check", "-v", check=False)
    assert check.returncode == 1 and "is not what the current inputs produce" in check.stderr, (
        check.stdout + check.stderr
    )
    rebuilt = run_build(project_copy)
    assert "Nothing changed" not in rebuilt.stdout
    assert "某市返乡创业试点条例" in page.read_text(encoding="utf-8")
    assert run_build(project_copy, "--check").returncode == 0
    # The first build to see the new text (the check) gathered the evidence anew only for the
    # batch of texts that holds it; the rest came from the cache and gives what gathering it all
    # anew gives.
    gathered = re.search(r"evidence of cn-regulations: (\d+) of (\d+) batches of texts gathered anew", check.stdout)
    assert gathered and int(gathered[1]) == 1 < int(gathered[2]), check.stdout
    for cache in ("evidence", "batch-evidence"):
        shutil.rmtree(project_copy / ".build/cache" / cache)
    assert run_build(project_copy, "--check").returncode == 0
    assert "Nothing changed" in run_build(project_copy).stdout


def test_a_figure_redrawn_for_many_changed_texts_names_a_few_and_counts_the_rest():
    """A corpus that gains a thousand texts changes a thousand inputs of each corpus figure: the
    build's "drawing …" line names four and counts the others, instead of a screenful per figure."""
    from pilotsite.pipeline import listed

    names = [f"data:texts/added/t{n}.md" for n in range(1000)]
    line = listed(names)
    assert line.count("data:") == 4 and line.endswith(" and 996 more")
    assert listed(names[:2]) == "data:texts/added/t0.md, data:texts/added/t1.md"


def test_the_no_op_check_reads_the_files_of_a_corpus_outside_the_project(project_copy, tmp_path):
    corpus = tmp_path / "elsewhere" / "regulations"
    shutil.copytree(SAMPLE, corpus)
    config = project_copy / "data/corpora.yaml"
    settings = config.read_text(encoding="utf-8")
    config.write_text(settings.replace("path: data/corpora/cn-regulations-sample", f"path: {corpus}"), encoding="utf-8")
    files = input_files(project_copy)
    assert files[f"{corpus}/metadata.csv"] == str(corpus / "metadata.csv")
    add_text(corpus, "added-0002")
    assert input_files(project_copy)[f"{corpus}/texts/added/added-0002.md"] == str(corpus / "texts/added/added-0002.md")
