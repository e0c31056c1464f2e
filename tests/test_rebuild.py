"""Rebuilding only what changed, atomic publishing, recovery from kills, and the version ledger."""

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import cited_entry, copy_built, copy_project, figure_count, interruptible, run_build, tree_hashes
from pilotsite.publishing import linkcheck
from pilotsite.state.workspace import BuildState, Workspace, tree_stamps

TOOL_TYPES = "data/reported/return-migrant-entrepreneurship/tool-types.csv"


@pytest.fixture
def built(built_project, tmp_path) -> Path:
    return copy_built(built_project, tmp_path / "project")


def report(root: Path) -> dict:
    return json.loads((root / ".build/last-report.json").read_text(encoding="utf-8"))


def declared_by(root: Path, path: str) -> set[str]:
    """Figure ids whose declared inputs include path, read from each figure's full inputs.csv
    (a page shows a capped list when a figure reads a whole corpus)."""
    found = set()
    for listing in (root / "_site/figures").glob("*/inputs.csv"):
        files = {line.split(",", 1)[0] for line in listing.read_text(encoding="utf-8").splitlines()[1:]}
        if path in files:
            found.add(listing.parent.name)
    return found


def figures_of_analysis(root: Path, analysis: str) -> set[str]:
    return {p.parent.name for p in (root / "_site/figures").glob(f"*/{analysis}")}


def edit_locator(root: Path, marker: str) -> None:
    """Change a cell that needs no verbatim match: the section locator of the first row."""
    path = root / TOOL_TYPES
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] = lines[1].replace("Results ›", f"Results {marker} ›", 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def test_committed_history_is_current(built_project):
    """The repository's history/ (ledger, versions' files and meta.json) is what a build of the
    repository records: run python build.py before committing."""
    from conftest import ROOT

    assert (built_project / "history/ledger.json").read_bytes() == (ROOT / "history/ledger.json").read_bytes()
    assert tree_hashes(built_project / "history") == tree_hashes(ROOT / "history")


@pytest.mark.untraced
def test_noop_rebuild_runs_nothing_and_changes_no_byte(built):
    before = tree_hashes(built / "_site")
    result = run_build(built)
    assert f"Nothing changed: 0 of {figure_count(built / '_site')} figures rebuilt" in result.stdout
    assert "drawing" not in result.stdout
    assert tree_hashes(built / "_site") == before


@pytest.mark.untraced
def test_a_project_copied_or_moved_with_its_build_state_is_built_where_it_lands(built, tmp_path):
    """The build state names the project's files relative to it, and page keys its paths: a copy
    that keeps mtimes (cp -a, rsync -a), or the project moved, builds nothing anew."""
    before = tree_hashes(built / "_site")
    copied = tmp_path / "elsewhere" / "copied"
    copied.parent.mkdir()
    subprocess.run(["cp", "-a", str(built), str(copied)], check=True)
    assert "Nothing changed" in run_build(copied).stdout
    moved = built.rename(tmp_path / "moved")
    assert "Nothing changed" in run_build(moved).stdout
    edit_locator(copied, "(edited)")
    edit_locator(moved, "(edited)")
    for project in (copied, moved):
        run_build(project)
        assert "changes/index" in report(project)["pages_rendered"]
    # the same page keys in both places (a key that named where the project is would re-make every page)
    assert sorted(os.listdir(copied / ".build/cache/sources")) == sorted(os.listdir(moved / ".build/cache/sources"))
    assert tree_hashes(copied / "_site") == tree_hashes(moved / "_site") != before


@pytest.mark.untraced
def test_rebuild_from_cache_alone_draws_nothing(built):
    """With the quick no-op record gone, every figure still comes from the content-hashed cache."""
    before = tree_hashes(built / "_site")
    (built / ".build/last-build.json").unlink()
    result = run_build(built)
    assert (
        f"0 of {figure_count(built / '_site')} figures rebuilt" in result.stdout and "0 rendered anew" in result.stdout
    )
    assert tree_hashes(built / "_site") == before


@pytest.mark.untraced
def test_editing_one_data_file_rebuilds_exactly_its_figures(built):
    expected = declared_by(built, TOOL_TYPES)
    assert {"return-migrant-tool-types", "return-migrant-sub-tools", "return-migrant-regions"} <= expected
    assert len(expected) < figure_count(built / "_site")
    edit_locator(built, "(edited)")
    result = run_build(built)
    done = report(built)
    assert set(done["figures_rebuilt"]) == expected
    assert all(reasons == [f"data:{TOOL_TYPES}"] for reasons in done["reasons"].values())
    assert f"{len(expected)} of {figure_count(built / '_site')} figures rebuilt" in result.stdout
    shown_on = {f"figures/{f}/{page}" for f in expected for page in ("index", "embed")} | {
        "changes/index",
        "index",
        "figures/index",
        "data/index",
        "corpus/index",
        "documents/return-migrant-entrepreneurship/index",
    }
    # Every figure that reads the file is redrawn; only the one whose data.csv shows the locator
    # publishes something new, so only it gets a new version (its permanent page and comparison).
    assert done["changes"] == ["return-migrant-tool-types"]
    # The others' data are as before, so their images are the earlier ones, not drawn again.
    assert set(done["images_reused"]) == expected - {"return-migrant-tool-types"}
    # the same pages in both editions (zh/…)
    rendered = {p.removeprefix("zh/") for p in done["pages_rendered"]}
    assert rendered == {p for p in done["pages_rendered"] if not p.startswith("zh/")}
    new_pages = {
        p
        for p in rendered
        if p.startswith(("figures/return-migrant-tool-types/v/", "figures/return-migrant-tool-types/compare/"))
    }
    assert any("/v/" in p for p in new_pages) and any("/compare/" in p for p in new_pages)
    assert {"figures/return-migrant-tool-types/index", "changes/index"} <= rendered <= shown_on | new_pages
    assert "(edited)" in (built / "_site/figures/return-migrant-tool-types/data.csv").read_text(encoding="utf-8")


@pytest.mark.untraced
def test_editing_one_analysis_rebuilds_its_figures_only(built):
    expected = figures_of_analysis(built, "case_timelines.py")
    assert len(expected) >= 4
    with open(built / "analyses/case_timelines.py", "a", encoding="utf-8") as handle:
        handle.write("\n# an edit\n")
    run_build(built)
    assert set(report(built)["figures_rebuilt"]) == expected


@pytest.mark.untraced
def test_editing_a_shared_helper_rebuilds_everything_that_imports_it(built):
    # the analyses that import pilotsite.analysis.words, and every corpus figure (its texts are segmented
    # by pilotsite.analysis.segment, which builds its tokenizer with pilotsite.analysis.words)
    expected = set().union(
        *(
            figures_of_analysis(built, a)
            for a in (
                "keyword_frequencies.py",
                "corpus_keywords.py",
                "corpus_keyness.py",
                "corpus_policy_tools.py",
                "corpus_trends.py",
                "corpus_diffusion.py",
            )
        )
    )
    # a corpus figure with nothing to draw has no page, but is checked (and redrawn) like the others
    expected |= {p.parent.parent.name for p in (built / ".build/cache/figures").glob("*/*/not-drawn.json")}
    assert len(expected) < figure_count(built / "_site")
    with open(built / "pilotsite/analysis/words.py", "a", encoding="utf-8") as handle:
        handle.write("\n# an edit\n")
    run_build(built)
    done = report(built)
    assert set(done["figures_rebuilt"]) == expected
    assert all("code:pilotsite/analysis/words.py" in reasons for reasons in done["reasons"].values())


def test_imports_for_the_type_checker_alone_are_no_dependency(tmp_path):
    """A module that names TextWork only in annotations does not make every figure depend on it."""
    from pilotsite.state.fingerprint import imported_modules

    module = tmp_path / "module.py"
    module.write_text(
        "import typing\nfrom typing import TYPE_CHECKING\nimport json\n"
        "if TYPE_CHECKING:\n    from pilotsite.analysis.textwork import TextWork\nelse:\n    import csv\n"
        "if typing.TYPE_CHECKING:\n    import pilotsite.analysis.words\n"
        "def f():\n    import pilotsite.analysis.segment\n",
        encoding="utf-8",
    )
    names, _ = imported_modules(module, None)
    assert {"json", "csv", "pilotsite.analysis.segment"} <= names
    assert not [n for n in names if n.startswith(("pilotsite.analysis.textwork", "pilotsite.analysis.words"))]


def test_import_statements_are_kept_by_content_between_builds(tmp_path):
    """What a module imports is parsed once per content and kept (in .build/imports.json):
    a module edited is parsed anew, and what is kept is what a parse gives."""
    from pilotsite.state.fingerprint import FileHashes, ImportStatements, import_statements

    module = tmp_path / "module.py"
    module.write_text("import json\n", encoding="utf-8")
    first = ImportStatements(tmp_path / "imports.json", FileHashes(tmp_path / "hashes.json"))
    assert first.of(module)["runtime"] == [["import", ["json"]]]
    first.save()
    module.write_text("import json\ndef f():\n    from pilotsite.analysis import words\n", encoding="utf-8")
    later = ImportStatements(tmp_path / "imports.json", FileHashes(tmp_path / "hashes.json"))
    assert ["from", "pilotsite.analysis", 0, ["words"]] in later.of(module)["runtime"]
    assert later.of(module) == import_statements(module.read_text(encoding="utf-8"))
    later.save()
    assert len(json.loads((tmp_path / "imports.json").read_text(encoding="utf-8"))) == 1  # the old content's entry went


@pytest.mark.untraced
def test_a_deleted_output_comes_back(built):
    before = tree_hashes(built / "_site")
    (built / "_site/figures/return-migrant-keywords/figure.svg").unlink()
    for former in linkcheck.FORMER_MEMOS:  # what an earlier format of the link check's memo left
        (built / ".build/cache" / former).write_text("{}", encoding="utf-8")
    run_build(built)  # restored from the cache: nothing to redraw
    assert report(built)["figures_rebuilt"] == [] and tree_hashes(built / "_site") == before
    assert (built / ".build/cache" / linkcheck.MEMO).is_file()
    assert not [f for f in linkcheck.FORMER_MEMOS if (built / ".build/cache" / f).exists()]
    (built / "_site/figures/return-migrant-keywords/figure.svg").unlink()
    shutil.rmtree(built / ".build/cache/figures/return-migrant-keywords")
    run_build(built)  # gone from the cache too: that figure alone is drawn again
    assert report(built)["figures_rebuilt"] == ["return-migrant-keywords"]
    assert tree_hashes(built / "_site") == before


def test_the_no_op_check_drops_the_cache_entries_a_hand_edit_wrote_through(tmp_path):
    """BuildState.unchanged, without a build: what the test below exercises through two."""
    work = Workspace.of(tmp_path / "project")
    keyed = work.cache("pages") / ("a" * 64)  # a cache entry that is a folder named by its key
    single = work.cache("fonts") / "face.woff2"  # one that is a file
    other = work.cache("pages") / ("b" * 64) / "other.html"
    for path, content in ((keyed / "page.html", b"<p>one</p>"), (single, b"font"), (other, b"<p>other</p>")):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    out = tmp_path / "project/_site"
    out.mkdir()
    for name, entry in (("page.html", keyed / "page.html"), ("face.woff2", single), ("other.html", other)):
        os.link(entry, out / name)  # published as hard links into the caches, as the build publishes
    (out / "robots.txt").write_text("User-agent: *\n", encoding="utf-8")
    (out / "gone.txt").write_text("soon deleted\n", encoding="utf-8")
    earlier = time.time_ns() - 10_000_000_000  # published a while ago: an edit in the same clock tick keeps the time
    for path in out.iterdir():
        os.utime(path, ns=(earlier, earlier))
    BuildState(work).save(out, "inputs", {}, 1)
    assert BuildState(work).unchanged(out, "inputs") is not None
    assert BuildState(work).unchanged(out, "other inputs") is None

    (out / "gone.txt").unlink()  # deleted, or replaced by a file of its own: no cache entry holds it
    (out / "robots.txt").write_text("User-agent: x\n", encoding="utf-8")
    assert BuildState(work).unchanged(out, "inputs") is None
    assert keyed.is_dir() and single.is_file() and other.is_file()

    for path in (out / "page.html", out / "face.woff2"):
        with open(path, "r+b") as handle:  # written in place, through the link: the cache entry holds the edit
            handle.write(b"<p>two")
    assert BuildState(work).unchanged(out, "inputs") is None
    assert not keyed.exists() and not single.exists()  # the keyed folder goes whole
    assert other.read_bytes() == b"<p>other</p>"


@pytest.mark.untraced
def test_a_published_file_changed_by_hand_is_put_back(built_project, tmp_path):
    """The no-op check compares every published file's mtime and size with the last build's. A
    file written in place (through its hard link into a cache, which then holds the edit too) has
    the cache entry dropped and made anew, not published again."""
    built = copy_built(built_project, tmp_path / "project", linked=False)  # its files written in place: its own
    before = tree_hashes(built / "_site")
    page = built / "_site/methods/index.html"
    changed = page.read_bytes().replace(b"<title>", b"<title>!", 1)[:-1]  # the same size
    page.unlink()  # replaced, as an editor that saves by a rename does
    page.write_bytes(changed)
    text_page = next((built / "_site/corpus").glob("*/texts/*/index.html"))  # a finished page's cache entry
    fragment = next((built / "_site/pagefind/fragment").iterdir())  # a file of a search bundle's cache folder
    for written_through in (text_page, fragment):
        assert written_through.stat().st_nlink > 1  # else this test tests nothing
        with open(written_through, "r+b") as handle:
            handle.write(b"edited in place")
    result = run_build(built)
    assert "Nothing changed" not in result.stdout
    assert tree_hashes(built / "_site") == before
    assert "Nothing changed" in run_build(built).stdout


@pytest.mark.untraced
def test_ledger_records_a_version_with_changed_inputs_and_rows(built):
    ledger_before = json.loads((built / "history/ledger.json").read_text(encoding="utf-8"))
    edit_locator(built, "(edited)")
    run_build(built)
    ledger = json.loads((built / "history/ledger.json").read_text(encoding="utf-8"))
    history = ledger["figures"]["return-migrant-tool-types"]
    assert len(history) == len(ledger_before["figures"]["return-migrant-tool-types"]) + 1
    latest = history[-1]
    # what changed since the version before: the edited file (and any engine code changed since then)
    assert f"data:{TOOL_TYPES}" in latest["changed"] and not any(
        c.startswith("data:") and c != f"data:{TOOL_TYPES}" for c in latest["changed"]
    )
    assert latest["diff"]["changed"] == 1 and latest["diff"]["added"] == latest["diff"]["removed"] == 0
    [(_, column, old, new)] = latest["diff"]["cells"]
    assert column == "locator" and "(edited)" in new and "(edited)" not in old
    assert (built / f"history/figures/return-migrant-tool-types/{latest['version']}/data.csv").is_file()
    changes = (built / "_site/changes/index.html").read_text(encoding="utf-8")
    assert f'id="return-migrant-tool-types-{latest["version"]}"' in changes and "(edited)" in changes
    page = (built / "_site/figures/return-migrant-tool-types/index.html").read_text(encoding="utf-8")
    assert f"../../changes/index.html#return-migrant-tool-types-{latest['version']}" in page
    run_build(built)  # building again records nothing new
    assert json.loads((built / "history/ledger.json").read_text(encoding="utf-8")) == ledger


@pytest.mark.untraced
def test_check_passes_on_a_fresh_site_and_fails_on_a_stale_one(built):
    result = run_build(built, "--check")
    assert "exactly what the current inputs produce" in result.stdout
    page = built / "_site/figures/return-migrant-tool-types/data.csv"
    edited = page.read_text(encoding="utf-8").replace("50.82", "51.00")
    page.unlink()  # replaced, not written through: the file is shared with the project copied (copy_built)
    page.write_text(edited, encoding="utf-8")
    (built / "_site/stray.txt").write_text("left by hand", encoding="utf-8")
    (built / "_site/figures/return-migrant-tool-types/figure.svg").unlink()
    result = run_build(built, "--check", check=False)
    assert result.returncode == 1
    # each file with how it differs, and how many of each kind
    assert "3 files differ (1 changed, 1 missing from it, 1 not made by the inputs):" in result.stderr
    listed = [line for line in result.stderr.splitlines() if line.startswith("  ")]
    assert listed == [
        "  changed: figures/return-migrant-tool-types/data.csv",
        "  missing: figures/return-migrant-tool-types/figure.svg",
        "  extra:   stray.txt",
    ], result.stderr
    # it says it built to compare, not that it published or recorded anything
    assert "[4/7] Comparing figure versions with history/ (--check records none)" in result.stdout
    assert "nothing published or recorded" in result.stdout
    assert "Recording" not in result.stdout and "Done:" not in result.stdout and "-> _site" not in result.stdout

    # An empty folder differs in every file: the first 200 are listed, then how many more.
    (built / "empty").mkdir()
    result = run_build(built, "--check", "--out", "empty", check=False)
    assert result.returncode == 1
    total = int(re.search(r"; (\d+) files differ \(\1 missing from it\):", result.stderr).group(1))
    listed = [line for line in result.stderr.splitlines() if line.startswith("  ") and "more" not in line]
    assert total > 200 and len(listed) == 200 and f"  and {total - 200} more" in result.stderr.splitlines()
    assert all(line.startswith("  missing: ") for line in listed)
    assert not any((built / "empty").iterdir())


@pytest.mark.untraced
def test_check_of_a_site_never_built_says_so_without_building(project_copy):
    result = run_build(project_copy, "--check", check=False)
    assert result.returncode == 1
    assert result.stderr == "_site does not exist: there is no site to check (python build.py builds it).\n"
    assert not (project_copy / "_site").exists() and not (project_copy / ".build").exists()


@pytest.mark.long(seconds=55)
@pytest.mark.untraced
def test_check_without_build_state_verifies_a_copy(built, tmp_path):
    shutil.rmtree(built / ".build")
    assert run_build(built, "--check").returncode == 0
    edit_locator(built, "(newer)")
    result = run_build(built, "--check", check=False)
    assert result.returncode == 1 and "figures/return-migrant-tool-types/data.csv" in result.stderr
    assert "(newer)" not in json.dumps(json.loads((built / "history/ledger.json").read_text(encoding="utf-8")))


@pytest.mark.untraced
def test_ctrl_c_leaves_the_published_site_as_it_was(built):
    before = tree_hashes(built / "_site")
    edit_locator(built, "(interrupted)")
    shutil.rmtree(built / ".build/cache")  # make the build long enough to interrupt
    process = subprocess.Popen(
        [sys.executable, "build.py"],
        cwd=built,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=interruptible,
    )
    wait_for_line(process, "drawing")
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and "Interrupted; the published site was not changed." in stderr
    assert tree_hashes(built / "_site") == before


def wait_for_line(process: subprocess.Popen, text: str) -> None:
    deadline = time.monotonic() + 60
    for line in process.stdout:
        if text in line or time.monotonic() > deadline:
            return


@pytest.mark.long(seconds=67)
@pytest.mark.untraced
def test_builds_killed_at_random_moments_leave_nothing_wrong(built, tmp_path):
    """SIGKILL a rebuild at several points; the next build must equal a clean build of the same inputs."""
    clean = copy_project(tmp_path / "clean")
    shutil.copytree(built / "history", clean / "history", dirs_exist_ok=True)
    edit_locator(built, "(killed)")
    edit_locator(clean, "(killed)")
    shutil.rmtree(built / ".build/cache/pages")  # more work per build: more moments to be killed in
    delays = sorted(random.Random(7).uniform(0.05, 2.5) for _ in range(6))
    for delay in delays:
        process = subprocess.Popen(
            [sys.executable, "build.py"], cwd=built, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        site = built / "_site"
        assert site.is_dir() or (built / "._site.previous").is_dir(), f"no site left after a kill at {delay:.2f} s"
    run_build(built)
    run_build(clean)
    assert tree_hashes(built / "_site") == tree_hashes(clean / "_site")
    assert sorted(p.name for p in built.glob("._site.*")) == [
        "._site.lock",
        "._site.lock.owner",
    ]  # no staging, no previous


@pytest.mark.untraced
def test_putting_inputs_back_restores_the_earlier_version(built):
    """Reverting a data edit makes the earlier version current again, under its own number and
    unchanged permanent page; the ledger records the return instead of failing or renumbering."""
    original = (built / TOOL_TYPES).read_bytes()
    first = cited_entry(built, "return-migrant-tool-types")  # the version the figure's page stands for
    page = built / f"_site/figures/return-migrant-tool-types/v/{first['version']}/index.html"
    page_before = page.read_bytes()
    site_yaml = built / "data/site.yaml"
    dated = site_yaml.read_text(encoding="utf-8")
    assert f'date: "{first["edition"]}"' in dated
    edit_locator(built, "(reverted later)")
    site_yaml.write_text(dated.replace(first["edition"], "2099-01-02"), encoding="utf-8")
    run_build(built)
    (built / TOOL_TYPES).write_bytes(original)
    # the date left as for the edit: no new version, so no warning that one is dated as an earlier
    # one (it said so of every return)
    assert "of an earlier version of their figure" not in run_build(built).stdout
    history = json.loads((built / "history/ledger.json").read_text(encoding="utf-8"))["figures"][
        "return-migrant-tool-types"
    ]
    assert [e["version"] for e in history[-2:]] == [history[-2]["version"], first["version"]]
    assert history[-1]["number"] == first["number"] and history[-1]["restores"] is True
    assert page.read_bytes() == page_before  # the permanent page of that version is unchanged
    bib = (built / "_site/figures/return-migrant-tool-types/cite.bib").read_text(encoding="utf-8")
    assert f"-v{first['number']}," in bib
    changes = (built / "_site/changes/index.html").read_text(encoding="utf-8")
    back, replaced = f"return-migrant-tool-types-{first['version']}-{len(history)}", history[-2]["version"]
    assert f'id="{back}"' in changes
    # the return is the latest entry: listed first, compared with the version it replaced, current
    assert changes.index(f'id="{back}"') < changes.index(f'id="return-migrant-tool-types-{replaced}"')
    entry = changes.split(f'id="{back}"')[1].split("</section>")[0]
    assert f"compare/{first['version']}-{replaced}/index.html" in entry, entry
    figure_page = (built / "_site/figures/return-migrant-tool-types/index.html").read_text(encoding="utf-8")
    [current] = [item for item in figure_page.split("<li>") if "<strong>current</strong>" in item]
    assert f"v/{first['version']}/index.html" in current, current
    # dated by its return, not as if 2099-01-02 were its edition; its comparison is with the version
    # it replaced, whichever is shown first
    assert f"Version {first['number']}</a> again, from 2099-01-02: " in current, current
    assert "compare with the version it replaced</a>" in current and "the version before" not in current, current
    listing = (built / "_site/figures/return-migrant-tool-types/versions.js").read_text(encoding="utf-8")
    assert f'"changes": "{back}"' in listing  # where a replaced version's banner says what changed
    # which names the version current again by its own edition, the date its citations give (it
    # gave the date of the build that brought it back)
    info = json.loads(listing.removeprefix("window.pilotsiteVersions = ").removesuffix(";\n"))
    assert info["versions"][-1] == {**info["versions"][-1], "version": first["version"], "edition": first["edition"]}
    assert history[-1]["edition"] == "2099-01-02"  # the ledger records when it came back
    # the feeds list the return first too (they had put it below the version it replaced)
    import feedparser

    for feed in ("changes/atom.xml", "figures/return-migrant-tool-types/atom.xml"):
        ids = [e.id for e in feedparser.parse((built / "_site" / feed).read_bytes()).entries]
        ours = [i.rsplit("#", 1)[1] for i in ids if "#return-migrant-tool-types-" in i]
        assert ours.index(back) < ours.index(f"return-migrant-tool-types-{replaced}"), (feed, ours[:4])


def test_a_memo_is_written_whole_or_not_at_all(tmp_path):
    """KeyedMemo.save writes the JSON as it is encoded, to a temporary file renamed into place:
    the file is exactly the values used, and a value that cannot be written leaves the last file
    as it was and no temporary file behind."""
    from pilotsite.state.caching import KeyedMemo

    path = tmp_path / "memo.json"
    memo = KeyedMemo(path)
    memo.keep("b", "字")
    memo.keep("a", ["<script>", 1])
    memo.save()
    assert path.read_bytes() == json.dumps({"a": ["<script>", 1], "b": "字"}, ensure_ascii=False).encode("utf-8")
    later = KeyedMemo(path)
    assert later.saved == {"a": ["<script>", 1], "b": "字"}
    later.keep("c", object())  # not JSON
    with pytest.raises(TypeError):
        later.save()
    assert KeyedMemo(path).saved == {"a": ["<script>", 1], "b": "字"} and [p.name for p in tmp_path.iterdir()] == [
        "memo.json"
    ]


@pytest.mark.untraced
def test_the_changes_page_names_ten_changed_texts_and_counts_the_others(built):
    """A version that changed many texts names the first ten on the What changed page and says how
    many more: the page (and its model) does not grow with the corpus."""
    import csv

    corpus = built / "data/corpora/cn-regulations-sample"
    with open(corpus / "metadata.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows[:12]:
        with open(corpus / row["file"], "a", encoding="utf-8") as handle:
            handle.write("\n企业应当依法经营。\n")
    run_build(built)
    latest = json.loads((built / "history/ledger.json").read_text(encoding="utf-8"))["figures"][
        "cn-regulations-keywords-by-level"
    ][-1]
    changed = sorted(c[5:] for c in latest["changed"] if c.startswith("data:"))
    assert len(changed) == 12
    changes = (built / "_site/changes/index.html").read_text(encoding="utf-8")
    entry = changes[changes.index(f'id="cn-regulations-keywords-by-level-{latest["version"]}"') :]
    meta = entry[entry.index('<p class="meta">') : entry.index("</p>", entry.index('<p class="meta">'))]
    assert re.findall(r"<code>([^<]*)</code>", meta) == changed[:10] and "and 2 more files" in meta


def test_a_sites_stamps_name_every_file_as_found_through_links_and_no_file_twice(tmp_path):
    """tree_stamps: "mtime_ns:size" of each file by its path with /, a linked file by the file it
    names, a linked folder not entered (its files are stamped where they are), __pycache__ left out."""
    site = tmp_path / "site"
    (site / "a" / "b").mkdir(parents=True)
    (site / "__pycache__").mkdir()
    (site / "index.html").write_bytes(b"12345")
    (site / "a" / "b" / "page.html").write_bytes(b"xy")
    (site / "__pycache__" / "x.pyc").write_bytes(b"x")
    (site / "linked.html").symlink_to(site / "a" / "b" / "page.html")
    (site / "a" / "folder-link").symlink_to(site / "a" / "b", target_is_directory=True)
    stamps = tree_stamps(site)
    assert sorted(stamps) == ["a/b/page.html", "index.html", "linked.html"]
    page = (site / "a" / "b" / "page.html").stat()
    assert stamps["a/b/page.html"] == stamps["linked.html"] == f"{page.st_mtime_ns}:2"
    os.utime(site / "index.html", ns=(1, 1))
    assert tree_stamps(site)["index.html"] == "1:5"


def test_a_data_file_that_links_to_one_outside_the_project_is_read_and_followed(built_project, tmp_path):
    """A table kept elsewhere and linked into data/: it had been filed under the path it points to,
    and the figure that reads it failed (KeyError) once the table was edited."""
    project = copy_built(built_project, tmp_path / "project")
    table = project / "data/reported/return-migrant-entrepreneurship/regions.csv"
    kept = tmp_path / "elsewhere/regions.csv"
    kept.parent.mkdir()
    shutil.move(table, kept)
    table.symlink_to(kept)
    published = (project / "_site/figures/return-migrant-regions/data.csv").read_bytes()
    kept.write_text(kept.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # an edit that changes no row
    run_build(project)
    assert (project / "_site/figures/return-migrant-regions/data.csv").read_bytes() == published
    inputs = (project / "_site/figures/return-migrant-regions/inputs.csv").read_text(encoding="utf-8")
    assert "data/reported/return-migrant-entrepreneurship/regions.csv" in inputs and str(tmp_path) not in inputs
