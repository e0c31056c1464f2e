"""The other build.py commands (figure and serve) and the command line's conventions: --version,
--quiet, -v and the documented exit statuses."""

import hashlib
import json
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, copy_built, run_build, tree_hashes
from pilotsite.state.workspace import output_folder_problem

TABLE = "data/reported/return-migrant-entrepreneurship/keywords.csv"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.untraced
def test_figure_command_matches_the_site(built_project, tmp_path):
    built_site = built_project / "_site"
    out = tmp_path / "one"
    result = run_build(built_project, "figure", "return-migrant-tool-types", "--out", str(out), check=False)
    assert result.returncode == 0, result.stderr
    for name in ("figure.svg", "figure.png", "data.csv"):
        published = built_site / "figures/return-migrant-tool-types" / name
        assert hashlib.sha256((out / name).read_bytes()).digest() == hashlib.sha256(published.read_bytes()).digest()


def test_a_figure_with_nothing_to_draw_says_why_as_its_page_does(built_project, tmp_path):
    """It had ended in a traceback (KeyError: 'figure.svg')."""
    not_drawn = sorted((built_project / ".build/cache/figures").glob("*/*/not-drawn.json"))
    assert not_drawn, "the shipped project has a figure with nothing to draw (its corpus's lag study)"
    figure_id = not_drawn[0].parent.parent.name
    out = tmp_path / "one"
    result = run_build(built_project, "figure", figure_id, "--out", str(out), check=False)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    reason = json.loads(not_drawn[0].read_text(encoding="utf-8"))
    assert f"Nothing to draw for {figure_id}: " in result.stdout and "No files written." in result.stdout
    assert not list(out.glob("*")), "no files"
    # the catalogue's sentence with its values filled in, as the build prints it (a list's items each)
    values = (reason.get("values", {}) if isinstance(reason, dict) else {}).values()
    shown = [item for v in values for item in (v["items"] if isinstance(v, dict) and "items" in v else [v])]
    assert shown and all(str(item) in result.stdout for item in shown), (shown, result.stdout)
    assert "fig." not in result.stdout


@pytest.mark.untraced
def test_unknown_figure_is_a_clear_error(built_project, tmp_path):
    result = run_build(built_project, "figure", "no-such-figure", "--out", str(tmp_path), check=False)
    assert result.returncode == 2
    assert "no figure 'no-such-figure'" in result.stderr and "return-migrant-tool-types" in result.stderr


def test_an_output_folder_that_holds_the_project_its_inputs_or_other_files_is_refused(
    project_copy, built_site, tmp_path
):
    # Publishing replaces the whole --out folder: each of these would have deleted what it holds.
    others = tmp_path / "mydocs"
    others.mkdir()
    (others / "notes.txt").write_text("precious", encoding="utf-8")
    refused = {
        ".": "it is the project's folder or holds it",
        str(project_copy): "it is the project's folder or holds it",
        "..": "it is the project's folder or holds it",
        "data": "it is or holds data/, which the site is made from or the build keeps",
        "data/site": "it is or holds data/, which the site is made from or the build keeps",
        "history": "it is or holds history/",
        "build.py": "it is or holds build.py",
        str(others): "it holds files but is not a site this tool published (it has no index.html, datapackage.json, "
        "pagefind/pagefind-entry.json, assets/fonts/cjk.css)",
    }
    # a dataset of a user's own with the two files a site has at its root: publishing had emptied it
    dataset = tmp_path / "dataset"
    dataset.mkdir()
    for name in ("index.html", "datapackage.json", "thesis.docx"):
        (dataset / name).write_text("mine", encoding="utf-8")
    refused[str(dataset)] = (
        "it holds files but is not a site this tool published (it has no pagefind/pagefind-entry.json"
    )
    # a published site in a gh-pages checkout: publishing had deleted .git with the rest
    checkout = tmp_path / "gh-pages"
    shutil.copytree(built_site, checkout)
    (checkout / ".git").mkdir()
    refused[str(checkout)] = "it holds .git, which publishing would delete with the rest of the folder"
    # a link to a published site: the link would be replaced and the folder it points to emptied
    (tmp_path / "real").mkdir()
    for name in ("index.html", "datapackage.json"):
        (tmp_path / "real" / name).write_text("", encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    refused[str(tmp_path / "link")] = f"it is a symbolic link (to {tmp_path / 'real'}); give the folder it points to"
    before = tree_hashes(tmp_path)
    for out, reason in refused.items():
        result = run_build(project_copy, "--out", out, check=False)
        assert result.returncode == 2 and f"error: build: --out {out}: {reason}" in result.stderr, (out, result.stderr)
        assert "choose a new or empty folder" in result.stderr and "Traceback" not in result.stderr
    assert tree_hashes(tmp_path) == before  # nothing written, moved or removed
    # A new or empty folder takes a site; so does a site published before, even one damaged since.
    (tmp_path / "empty").mkdir()
    site = tmp_path / "published"
    for name in (
        "index.html",
        "datapackage.json",
        "robots.txt",
        "pagefind/pagefind-entry.json",
        "assets/fonts/cjk.css",
    ):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text("", encoding="utf-8")
    assert not any(output_folder_problem(project_copy, tmp_path / name) for name in ("new", "empty", "published"))
    (site / "index.html").unlink()
    assert output_folder_problem(project_copy, site)
    (project_copy / ".build").mkdir(exist_ok=True)
    (project_copy / ".build/last-build.json").write_text(json.dumps({str(site): {}}), encoding="utf-8")
    assert not output_folder_problem(project_copy, site)


def test_a_site_url_with_a_query_or_fragment_is_refused_on_the_command_line(project_copy):
    for url in ("https://example.org/a?b=1&c=2", "https://example.org/a#top", "example.org/a"):
        result = run_build(project_copy, "--site-url", url, check=False)
        assert result.returncode == 2 and f"--site-url: found '{url}', expected an http:// or https:// URL" in (
            result.stderr
        ), result.stderr


def test_a_port_or_job_count_out_of_range_or_a_busy_port_is_a_command_line_error(project_copy):
    """Refused before anything is built, with one line and exit 2: a busy port had ended `serve`
    in a traceback after the build, and --jobs -1 made no font slices and failed as a vanished
    file (exit 3)."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        for args, said in (
            (["serve", "--port", str(busy)], f"--port {busy}: another program is using this port"),
            (["serve", "--port", "99999"], "argument --port: expected a whole number from 0 to 65535, found 99999"),
            (["--jobs", "-1"], "argument --jobs: expected a whole number 0 or more, found -1"),
            (["--jobs", "two"], "argument --jobs: expected a whole number, found 'two'"),
            # a scheduler's address that is none: it had ended --check in a traceback, exit 1 ("differs")
            (["--scheduler", "foo"], "argument --scheduler: expected a scheduler's address such as tcp://"),
            (["--scheduler", "tls://h:1"], "found 'tls://h:1'"),
        ):
            result = run_build(project_copy, *args, check=False, timeout=60)
            assert result.returncode == 2 and said in result.stderr, (args, result.stderr)
            assert "Traceback" not in result.stderr
    assert not (project_copy / "_site").exists() and not (project_copy / ".build").exists()


def test_a_port_taken_while_serve_builds_is_said_as_the_ports_problem(built_project, tmp_path):
    """The port is checked before the build; a program that takes it during the build had ended
    serve as a defect of pilotsite (exit 70). serve now says what the port's check says, that the
    site is built, and exits 2."""
    project = copy_built(built_project, tmp_path / "project")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        # free when checked (as it was), taken when bound
        started = (
            "import runpy, sys, pilotsite.preview as p; p.port_problem = lambda port: ''; "
            f"sys.argv = ['build.py', 'serve', '--port', '{busy}']; runpy.run_path('build.py', run_name='__main__')"
        )
        result = subprocess.run(
            [sys.executable, "-c", started], cwd=project, capture_output=True, text=True, timeout=300, check=False
        )
    assert result.returncode == 2, result.stderr
    assert f"serve: --port {busy}: another program is using this port; choose another (0 picks a free one); " in (
        result.stderr
    )
    assert "the site in _site is built." in result.stderr and "defect" not in result.stderr


def test_an_option_or_figure_id_the_command_does_not_use_is_refused_not_ignored(project_copy):
    """`figure ID --check` had drawn the figure and checked nothing, and `--port 8001` on a build
    or a figure id after `build` were dropped without a word."""
    for args, said in (
        (["figure", "x", "--check"], "--check does not apply to figure: python build.py --check checks a built site"),
        (["serve", "--check"], "--check does not apply to serve"),
        (["--port", "8001"], "--port does not apply to build: it is the port of python build.py serve"),
        (["figure", "x", "--jobs", "1"], "--jobs does not apply to figure"),
        (["figure", "x", "--renderer", "auto"], "--renderer does not apply to figure"),
        (["build", "x"], "build takes no figure id (found 'x'); python build.py figure ID draws one"),
    ):
        result = run_build(project_copy, *args, check=False, timeout=60)
        assert result.returncode == 2 and said in result.stderr, (args, result.stderr)
    assert not (project_copy / "_site").exists() and not (project_copy / ".build").exists()


@pytest.mark.untraced
def test_serve_builds_and_serves_on_localhost(built_project, tmp_path):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "build.py", "serve", "--out", str(tmp_path / "site"), "--port", str(port)],
        cwd=built_project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/figures/return-migrant-tool-types/data.csv", timeout=2
                ) as response:
                    body = response.read().decode("utf-8")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.5)
        assert body.startswith("tool_type,share_pct,locator,quote,document_id\nsupply,50.82,")
    finally:
        server.terminate()
        server.wait(timeout=10)


def run(root, *args: str) -> subprocess.CompletedProcess:
    return run_build(root, *args, check=False)


@pytest.mark.untraced
def test_version_names_the_tool_and_what_shapes_its_output():
    from importlib import metadata

    import pypandoc

    result = run(ROOT, "--version")
    assert result.returncode == 0 and result.stderr == ""
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert result.stdout.startswith(f"pilotsite {version} ")
    for expected in (
        f"pandoc {pypandoc.get_pandoc_version()}",
        f"Pagefind {metadata.version('pagefind-bin-extended')}",
        f"jieba {metadata.version('jieba')}",
        f"matplotlib {metadata.version('matplotlib')}",
    ):
        assert expected in result.stdout, result.stdout


@pytest.mark.untraced
def test_version_in_a_project_folder_without_pyproject_names_none_and_prints_the_rest(project_copy):
    assert not (project_copy / "pyproject.toml").exists()  # copies hold what building needs, not packaging
    result = run(project_copy, "--version")
    assert result.returncode == 0 and result.stderr == "", result.stdout + result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("pilotsite (version unknown: no pyproject.toml beside build.py) (build.py, Python ")
    assert "jieba " in result.stdout and "pandoc " in result.stdout


@pytest.mark.untraced
def test_help_documents_every_exit_status():
    result = run(ROOT, "--help")
    assert result.returncode == 0
    statuses = re.findall(r"^  (\d+) +(\S.*)$", result.stdout.split("exit status:")[1], re.M)
    assert [int(code) for code, _ in statuses] == [0, 1, 2, 3, 4, 70, 130], result.stdout
    assert "--quiet" in result.stdout and "--version" in result.stdout and "-v, --verbose" in result.stdout


@pytest.mark.untraced
def test_a_defect_of_pilotsite_is_said_as_one_with_its_own_status_and_the_site_is_untouched(built_project, tmp_path):
    """An exception no check of the inputs raised had ended in a traceback and exit status 1,
    which --check gives for a site that differs: a script took the crash for a stale site."""
    root = copy_built(built_project, tmp_path / "project")
    pipeline = root / "pilotsite/pipeline.py"
    code = pipeline.read_text(encoding="utf-8")
    defect = "def load(build: Build) -> Catalog:\n"
    assert defect in code
    pipeline.unlink()  # shared with the built project (copy_built): replaced, not written through
    pipeline.write_text(code.replace(defect, defect + '    {}["a defect"]\n', 1), encoding="utf-8")
    line = code[: code.index(defect)].count("\n") + 2
    before = tree_hashes(root / "_site")
    for args in ([], ["--check"]):
        result = run(root, *args)
        assert result.returncode == 70, result.stdout + result.stderr
        assert result.stderr == (
            "Build failed because of a defect of pilotsite itself, not of your inputs: "
            f"KeyError: 'a defect' (at pilotsite/pipeline.py:{line}).\n"
            "  The published site was not changed. Please report it with the command you ran "
            "(run it again with --debug for the traceback).\n"
        )
    debug = run(root, "--debug")
    assert debug.returncode == 70 and "Traceback (most recent call last)" in debug.stderr
    assert debug.stderr.endswith("(the traceback is above).\n")
    assert tree_hashes(root / "_site") == before
    assert not [p.name for p in root.iterdir() if p.name.startswith("._site.") and "lock" not in p.name]


@pytest.mark.untraced
def test_quiet_prints_nothing_on_success_and_errors_still_go_to_stderr(built_project, tmp_path):
    root = copy_built(built_project, tmp_path / "project")
    table = root / TABLE
    original = table.read_text(encoding="utf-8")
    table.write_text(original.replace("Results ›", "Results (quiet) ›", 1), encoding="utf-8")
    quiet = run(root, "--quiet")
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == "", quiet.stdout + quiet.stderr
    assert "Results (quiet)" in (root / "_site/figures/return-migrant-keywords/data.csv").read_text(encoding="utf-8")
    table.write_text(original.replace("3.52", "many", 1), encoding="utf-8")
    broken = run(root, "-q")
    assert broken.returncode == 2 and broken.stdout == ""
    assert f"{TABLE}, line 2" in broken.stderr and "the published site was not changed" in broken.stderr

    table.write_text(original.replace("Results ›", "Results (verbose) ›", 1), encoding="utf-8")
    verbose = run(root, "-v")
    assert verbose.returncode == 0, verbose.stderr
    assert "from the cache: return-migrant-tool-types" in verbose.stdout  # what -v adds
    assert re.search(r"rendered anew: figures/return-migrant-keywords/index\b", verbose.stdout), verbose.stdout[-3000:]
    table.write_text(original.replace("Results ›", "Results (normal) ›", 1), encoding="utf-8")
    normal = run(root)
    assert normal.returncode == 0 and "Done:" in normal.stdout
    assert "from the cache:" not in normal.stdout and "rendered anew:" not in normal.stdout
    assert run(root, "-q", "-v").returncode == 2  # one or the other


def test_figure_out_stays_out_of_the_inputs_and_sites_and_the_default_site_is_the_projects(built_project, tmp_path):
    from forked_builds import run_python

    project = copy_built(built_project, tmp_path / "project")
    before = tree_hashes(project / "data"), tree_hashes(project / "_site")
    # `figure --out` had written into data/ (the next build failed on the new file, and its lock
    # files went into every deposit bundle) and into a published site
    for out, reason in (
        ("data/reported/x", "it is or holds data/"),
        (".", "it is the project's folder or holds it"),
        ("_site/x", "it is inside _site, a site this tool published"),
        ("_site", "it is _site, a site this tool published, which this would change"),
    ):
        result = run_build(project, "figure", "keyword-overlap", "--out", out, check=False)
        assert result.returncode == 2 and f"--out {out}: {reason}" in result.stderr, result.stderr
    result = run_build(project, "--out", "_site/inner", check=False)
    assert result.returncode == 2 and "it is inside _site, a site this tool published" in result.stderr
    assert (tree_hashes(project / "data"), tree_hashes(project / "_site")) == before
    assert not list(project.glob("..lock*")) and not list((project / "data").glob(".*.lock*"))  # no lock left there
    # run from elsewhere, the build checks (and publishes) the project's _site, not one where it is run
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_python([str(project / "build.py"), "--check"], elsewhere)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (elsewhere / "_site").exists()  # (coverage may leave its data files there under CI)


def test_an_output_folder_no_lock_can_be_made_beside_is_a_plain_fault(project_copy, tmp_path):
    # each had ended in a traceback (exit 1), or waited for ever for "another build"
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    for out, code, words in (
        (tmp_path / "a-file/site", 3, "cannot make the lock file"),
        (Path("/proc/no-such-site"), 3, "cannot make the lock file"),
        (tmp_path / ("a" * 300), 2, "it cannot be used as a folder (File name too long)"),
    ):
        result = run_build(project_copy, "--out", str(out), "--no-wait", check=False, timeout=120)
        assert result.returncode == code and words in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


def test_an_output_folder_named_through_itself_is_that_folder(built_project, tmp_path):
    """--out X/../X: the staging folder and the previous site were named from a path through X,
    so publishing moved X away with them inside it, left no site, and said it was unchanged."""
    project = copy_built(built_project, tmp_path / "project")
    events = project / "data/timelines/events.csv"
    events.write_text(events.read_text(encoding="utf-8").replace("emerges", "emerged", 1), encoding="utf-8")
    result = run_build(project, "--out", str(project / "_site/../_site"), check=False)
    assert result.returncode == 0, result.stderr
    assert "emerged" in (project / "_site/timeline/index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in project.iterdir() if p.name.startswith("._site")) == [
        "._site.lock",
        "._site.lock.owner",
    ]
