"""Figure versions follow what a reader sees: a code refactor publishes none, a data edit exactly
one per figure whose outputs change, with its diff; identical legacy versions say so; any two
versions can be compared."""

from __future__ import annotations

import csv
import json
import re
import shutil
import zipfile

import lxml.html
import pytest

from conftest import ROOT, copy_built, run_build, tree_hashes
from pilotsite.state.datadiff import compare
from pilotsite.state.ledger import VERSION_FOLDER, describe

KEYWORDS = "data/reported/return-migrant-entrepreneurship/keywords.csv"


def ledger(root) -> dict:
    return json.loads((root / "history/ledger.json").read_text(encoding="utf-8"))


@pytest.mark.untraced
def test_a_pure_code_refactor_publishes_no_version_and_leaves_the_site_as_it_was(built_project, tmp_path):
    root = copy_built(built_project, tmp_path / "project")
    site, history = tree_hashes(root / "_site"), tree_hashes(root / "history")
    before_site = tmp_path / "bundles-before"
    for path in (root / "_site").glob("figures/*/deposit.zip"):
        (before_site / path.parent.relative_to(root / "_site")).mkdir(parents=True)
        shutil.copyfile(path, before_site / path.relative_to(root / "_site"))
    outputs = root / "pilotsite/figures/outputs.py"  # in every figure's key: all of them are redrawn
    source = outputs.read_text(encoding="utf-8")
    assert source.count("_compute_forked") >= 2
    outputs.write_text(source.replace("_compute_forked", "_compute_in_worker"), encoding="utf-8")
    result = run_build(root)
    assert re.search(r"\b(\d+) of \1 figures rebuilt", result.stdout), result.stdout  # every one
    assert ": version " not in result.stdout  # no version recorded
    assert tree_hashes(root / "history") == history
    after = tree_hashes(root / "_site")
    # the site as it was, but for the deposit bundles, which carry the engine: in them, that file only
    bundles = {path for path in site if path.endswith("/deposit.zip")}
    assert bundles and {p: h for p, h in after.items() if p not in bundles} == {
        p: h for p, h in site.items() if p not in bundles
    }
    for path in bundles:
        with zipfile.ZipFile(before_site / path) as old, zipfile.ZipFile(root / "_site" / path) as new:
            changed = {
                name.split("/", 1)[1]
                for name in set(old.namelist()) | set(new.namelist())
                if name not in old.namelist() or name not in new.namelist() or old.read(name) != new.read(name)
            }
        assert changed == {"pilotsite/figures/outputs.py"}, (path, changed)


@pytest.mark.untraced
def test_a_data_edit_publishes_one_version_of_the_figure_that_reads_it_with_its_diff(built_project, tmp_path):
    root = copy_built(built_project, tmp_path / "project")
    before = ledger(root)
    old_pages = {p: h for p, h in tree_hashes(root / "_site").items() if "/v/" in p}
    table = root / KEYWORDS
    text = table.read_text(encoding="utf-8")
    old_locator = "Results › 2. Sample Comparative Analysis Results › (1)"
    new_locator = "Results › 2. Sample Comparative Analysis › (1)"
    first_row = text.split("\n")[1]
    table.write_text(text.replace(first_row, first_row.replace(old_locator, new_locator), 1), encoding="utf-8")
    result = run_build(root)
    after = ledger(root)
    grown = {f: len(after["figures"][f]) - len(before["figures"].get(f, [])) for f in after["figures"]}
    assert {f: n for f, n in grown.items() if n} == {"return-migrant-keywords": 1}, result.stdout
    entry = after["figures"]["return-migrant-keywords"][-1]
    assert entry["diff"]["changed"] == 1 and entry["diff"]["added"] == entry["diff"]["removed"] == 0
    assert entry["diff"]["cells"] == [["central / 1", "locator", old_locator, new_locator]]
    assert entry["summary"] == f"1 row changed: central / 1 locator {old_locator} → {new_locator}"
    assert f"data:{KEYWORDS}" in entry["changed"]
    # data/site.yaml's edition date is still that of the earlier versions: the build says so once
    dated = [line for line in result.stdout.splitlines() if "of an earlier version of their figure" in line]
    assert dated == [
        f"      warning: 1 new version(s) (return-migrant-keywords) have the edition date {entry['edition']} of an "
        "earlier version of their figure: give data/site.yaml a new `date`, so that their citations tell the "
        "versions apart"
    ], result.stdout
    # what a version was made from is kept on the latest entry only: a corpus figure's map names
    # every text, and one per version would grow the committed ledger with every data update
    assert all(("components" in e) == (e is h[-1]) for h in after["figures"].values() for e in h)
    # the comparison with the version before: both images, and the diff, on its page and in diff.csv
    site = root / "_site"
    # compared with the version before it that a reader can tell apart (not one identical to an earlier)
    previous = [
        e for e in after["figures"]["return-migrant-keywords"][:-1] if not e.get("same_as") and not e.get("restores")
    ][-1]
    compare = site / f"figures/return-migrant-keywords/compare/{previous['version']}-{entry['version']}"
    page = (compare / "index.html").read_text(encoding="utf-8")
    assert f"v/{previous['version']}/figure.svg" in page and f"v/{entry['version']}/figure.svg" in page
    assert 'class="cell-changed"' in page
    # counted as the change summaries count, the kinds of none left out: it said "0 rows added, 0
    # removed, 1 changed", and "1 rows added" of one
    assert re.search(r"<p>1 row changed \(rows matched by [^)]+\)\. ", page), page
    chinese = (site / "zh" / compare.relative_to(site) / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<p>1 行有变化（按 [^）]+匹配行）。", chinese)
    with open(compare / "diff.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["change"] for r in rows] == ["changed"] and rows[0]["locator"] == f"{old_locator} → {new_locator}"
    version_page = (site / f"figures/return-migrant-keywords/v/{entry['version']}/index.html").read_text(
        encoding="utf-8"
    )
    assert f"compare/{previous['version']}-{entry['version']}/index.html" in version_page
    changes = (site / "changes/index.html").read_text(encoding="utf-8")
    assert f"1 row changed: central / 1 locator {old_locator} → {new_locator}" in changes
    # every version page published before stays byte for byte
    now = tree_hashes(site)
    assert {p: now.get(p) for p in old_pages} == old_pages


def test_identical_legacy_versions_say_so_and_cite_the_first(built_site):
    history = json.loads((ROOT / "history/ledger.json").read_text(encoding="utf-8"))["figures"][
        "return-migrant-tool-types"
    ]
    duplicate = next(e for e in history if e.get("same_as"))
    first = next(e for e in history if e["version"] == duplicate["same_as"])
    page = (built_site / f"figures/return-migrant-tool-types/v/{duplicate['version']}/index.html").read_text(
        encoding="utf-8"
    )
    assert (
        f'This version is identical to <a href="../{first["version"]}/index.html">version {first["number"]}</a>' in page
    )
    versions = (built_site / "figures/return-migrant-tool-types/versions.js").read_text(encoding="utf-8")
    info = json.loads(versions[versions.index("{") : versions.rindex("}") + 1])
    assert {v["version"]: v["same"] for v in info["versions"]}[duplicate["version"]] == first["version"]
    figure_page = (built_site / "figures/return-migrant-tool-types/index.html").read_text(encoding="utf-8")
    current = history[-1]
    cited = next(e for e in history if e["published"] == current["published"])  # the first with the latest outputs
    assert f'href="v/{cited["version"]}/index.html"' in figure_page
    # What changed says why such a version exists, without contradicting its own rule that a
    # figure gets a new version only when what a reader sees changes
    changes = (built_site / "changes/index.html").read_text(encoding="utf-8")
    assert "only when what a reader sees changes" in changes
    assert "nothing a reader sees changed" not in changes
    assert re.search(
        r"recorded for a change of the engine(&#39;|')s code alone, as such a change made a version then "
        r"\(it makes none now\): it is <a [^>]*>the same as version \d+</a>",
        changes,
    )
    chinese = (built_site / "zh/changes/index.html").read_text(encoding="utf-8")
    assert "当时仅因引擎代码变化而记录（如今这种变化不再产生新版本）：它<a" in chinese


def test_what_changed_groups_by_edition_newest_version_first(built_site):
    page = (built_site / "changes/index.html").read_text(encoding="utf-8")
    editions = re.findall(r'<h2 id="edition-([\d-]+)">', page)
    assert editions and editions == sorted(editions, reverse=True)
    numbers = [
        int(n) for n in re.findall(r'figures/return-migrant-tool-types/v/[0-9a-f]+/index.html">version (\d+)</a>', page)
    ]
    assert numbers == sorted(numbers, reverse=True) and len(numbers) >= 2
    assert "No row of <code>data.csv</code> changed" not in page


def test_a_data_diff_counts_rows_removed_added_and_changed():
    old = b"level,term,count\ncentral,a,1\ncentral,b,2\nlocal,a,3\nlocal,b,4\n"
    new = b"level,term,count\ncentral,a,1\nlocal,a,5\nlocal,c,6\n"
    keyed = compare(old, new, ("level", "term"))
    assert keyed.summary() == "1 row changed: local / a count 3 → 5, 1 row added, 2 rows removed"
    assert keyed.to_csv().decode("utf-8").splitlines() == [
        "change,level,term,count",
        "removed,central,b,2",
        "removed,local,b,4",
        "changed,local,a,3 → 5",
        "added,local,c,6",
    ]
    whole_rows = compare(old, new)  # no key: a changed row is one removed and one added
    assert whole_rows.summary() == "2 rows added, 3 rows removed"
    assert compare(new, new, ("level", "term")).empty


def test_a_correction_of_a_few_cells_names_each_in_both_editions():
    """A corrected count changes its share and the other rows' shares: up to three cells are named
    (it said "1 row changed" where two cells of the row had); more are counted."""
    from pilotsite.inputs.interface import load_interface
    from pilotsite.pages.model import change_summary

    old = b"level,count,share\ncentral,3,0.25\nlocal,9,0.75\n"
    corrected = compare(old, b"level,count,share\ncentral,4,0.31\nlocal,9,0.69\n", ("level",))
    assert (
        corrected.summary() == "2 rows changed: central count 3 → 4; central share 0.25 → 0.31; local share 0.75 → 0.69"
    )
    summary = change_summary(0, 0, 2, corrected.cells(), ())
    interface = load_interface(ROOT)
    assert interface.resolve(summary) == corrected.summary()
    assert (
        interface.resolve(summary, "zh")
        == "2 行有变化：central count 3 → 4；central share 0.25 → 0.31；local share 0.75 → 0.69"
    )
    more = compare(old, b"level,count,share\ncentral,4,0.31\nlocal,8,0.69\n", ("level",))
    assert len(more.cells()) == 4 and more.summary() == "2 rows changed"
    assert interface.resolve(change_summary(0, 0, 2, more.cells(), ())) == "2 rows changed"


def test_a_version_whose_data_and_texts_are_unchanged_says_its_image_changed(tmp_path):
    old = tmp_path / VERSION_FOLDER.format(figure="f", version="v1")
    old.mkdir(parents=True)
    (old / "data.csv").write_bytes(b"level,share\ncentral,1.5\n")
    (old / "meta.json").write_text(json.dumps({"title": "Shares", "caption": "By level"}), encoding="utf-8")

    def summary(csv: bytes, shown: dict) -> tuple[dict, str]:
        previous, entry = {"version": "v1", "number": 1}, {"version": "v2", "number": 2}
        return describe(tmp_path, "f", previous, entry, ["level"], csv=csv, shown=shown)

    same = summary(b"level,share\ncentral,1.5\n", {"title": "Shares", "caption": "By level"})
    assert same == ({"added": 0, "removed": 0, "changed": 0, "cells": []}, "the image changed; the data did not")
    retitled = summary(b"level,share\ncentral,1.5\n", {"title": "Shares by level", "caption": "By level"})
    assert retitled[1] == "title changed"
    edited = summary(b"level,share\ncentral,1.6\n", {"title": "Shares", "caption": "By level"})
    assert edited[1] == "1 row changed: central share 1.5 → 1.6"


def test_a_history_file_git_left_conflicted_or_damaged_is_named_not_a_traceback(tmp_path):
    from pilotsite.errors import BuildError
    from pilotsite.inputs.dois import published_versions
    from pilotsite.state import ledger as ledger_module

    (tmp_path / "history").mkdir()
    (tmp_path / "history/ledger.json").write_text(
        '{\n<<<<<<< HEAD\n "figures": {}\n=======\n "figures": {"a": []}\n>>>>>>> other\n}\n', encoding="utf-8"
    )
    for read in (ledger_module.load, published_versions):
        with pytest.raises(BuildError) as raised:
            read(tmp_path)
        [problem] = raised.value.problems
        assert str(problem).startswith("history/ledger.json, line 2: not valid JSON (")
        assert "git left a merge conflict in it: take one side (git checkout --ours or --theirs" in str(problem)
    with pytest.raises(BuildError) as raised:
        ledger_module.history_json(b'{"broken', "history/figures/x/0123456789ab/meta.json")
    assert "meta.json, line 1: not valid JSON" in str(raised.value) and "restore it from git" in str(raised.value)
    (tmp_path / "history/ledger.json").write_text("[]", encoding="utf-8")
    with pytest.raises(BuildError, match="expected an object with the figures' histories"):
        ledger_module.load(tmp_path)


def test_a_missing_ledger_beside_published_versions_is_an_error_not_a_new_history(tmp_path):
    # every figure would have restarted at version 1, and its earlier versions' addresses gone
    from pilotsite.errors import BuildError
    from pilotsite.state import ledger as ledger_module

    assert ledger_module.load(tmp_path) == {"figures": {}}  # a project that has published nothing yet
    folder = tmp_path / VERSION_FOLDER.format(figure="a", version="0123456789ab")
    folder.mkdir(parents=True)
    (folder / "meta.json").write_text("{}", encoding="utf-8")
    with pytest.raises(BuildError) as raised:
        ledger_module.load(tmp_path)
    assert str(raised.value).startswith(
        "history/ledger.json: missing, but history/figures/ holds 1 published versions: restore it from git"
    )


def test_versions_keep_their_sources_addresses_and_older_ones_get_them_once(tmp_path):
    """A version's deposit metadata names its sources by DOI or URL, with their keywords; those
    were read from the documents as they are now, so a withdrawal took them out of every published
    version's DataCite and Zenodo records. A version now records them when it is published, and a
    version published before gets them once, from the documents the site still has."""
    from types import SimpleNamespace

    from pilotsite.state import ledger as ledger_module

    article = SimpleNamespace(title="An article", reference="A (2024)", meta={"doi": "10.1/x", "keywords": ["pilots"]})
    report = SimpleNamespace(title="A report", reference="B (2023)", meta={"url": "https://example.org/b"})
    cited = [
        {"id": "article", "title": "An article", "reference": "A (2024)"},
        {"id": "report", "title": "A report", "reference": "B (2023)"},
        {"id": "gone", "title": "Withdrawn before", "reference": "C (2020)"},  # nothing is known of it now
    ]
    folder = tmp_path / VERSION_FOLDER.format(figure="f", version="0123456789ab")
    folder.mkdir(parents=True)
    (folder / "meta.json").write_bytes(ledger_module.meta_bytes({"cited": {}, "documents": cited}))
    ledger = {"figures": {"f": [{"version": "0123456789ab"}]}}
    documents = {"article": article, "report": report}
    [(path, migrated)] = ledger_module.migrated_metas(ledger, tmp_path, {}, {}, documents).items()
    assert path == f"{VERSION_FOLDER.format(figure='f', version='0123456789ab')}/meta.json"
    assert json.loads(migrated)["documents"] == [
        {**cited[0], "doi": "10.1/x", "url": "", "keywords": ["pilots"]},
        {**cited[1], "doi": "", "url": "https://example.org/b", "keywords": []},
        cited[2],
    ]
    (folder / "meta.json").write_bytes(migrated)
    assert ledger_module.migrated_metas(ledger, tmp_path, {}, {}, documents) == {}  # once
    # a new version records them as it is published
    assert ledger_module.document_record("article", article) == json.loads(migrated)["documents"][0]


def test_versions_keep_their_sources_titles_in_every_edition_and_older_ones_get_them_once(tmp_path):
    """A version recorded its documents' and corpus's titles in English only, so once a source was
    withdrawn the Chinese edition of the version's page named it in English, though document.yaml
    or corpora.yaml gave a Chinese title. A version now records title_zh (any title_<language>) as
    it is published, and one published before gets it once, from the sources the site still has
    under the title it recorded (a retitled source's translation is not of the recorded words)."""
    from types import SimpleNamespace

    from pilotsite.state import ledger as ledger_module

    article = SimpleNamespace(title="An article", reference="A (2024)", meta={"title_zh": "一篇文章", "doi": ""})
    retitled = SimpleNamespace(title="A new title", reference="B (2023)", meta={"title_zh": "新标题"})
    untitled = SimpleNamespace(title="A report", reference="C (2022)", meta={"title_zh": None})
    cited = [
        {"id": "article", "title": "An article", "reference": "A (2024)", "keywords": []},
        {"id": "retitled", "title": "An old title", "reference": "B (2023)", "keywords": []},
        {"id": "report", "title": "A report", "reference": "C (2022)", "keywords": []},
        {"id": "gone", "title": "Withdrawn before", "reference": "D (2020)", "keywords": []},
    ]
    folder = tmp_path / VERSION_FOLDER.format(figure="f", version="0123456789ab")
    folder.mkdir(parents=True)
    corpora = [{"id": "regs", "title": "Regulations"}]
    (folder / "meta.json").write_bytes(ledger_module.meta_bytes({"cited": {}, "documents": cited, "corpora": corpora}))
    ledger = {"figures": {"f": [{"version": "0123456789ab"}]}}
    documents = {"article": article, "retitled": retitled, "report": untitled}
    corpora_now = {"f": [{"id": "regs", "title": "Regulations", "title_zh": "法规"}]}
    [(path, migrated)] = ledger_module.migrated_metas(ledger, tmp_path, {}, corpora_now, documents).items()
    meta = json.loads(migrated)
    assert meta["documents"] == [{**cited[0], "title_zh": "一篇文章"}, *cited[1:]]
    assert meta["corpora"] == [{"id": "regs", "title": "Regulations", "title_zh": "法规"}]
    (folder / "meta.json").write_bytes(migrated)
    assert ledger_module.migrated_metas(ledger, tmp_path, {}, corpora_now, documents) == {}  # once
    # a new version records them as it is published
    assert ledger_module.document_record("article", article)["title_zh"] == "一篇文章"
    assert "title_zh" not in ledger_module.document_record("report", untitled)
    figure = SimpleNamespace(figure=SimpleNamespace(params={"corpus": "regs"}))
    assert ledger_module.corpora_of(figure, {"regs": corpora_now["f"][0]}) == corpora_now["f"]


def test_a_title_edited_in_english_alone_is_no_change_of_the_chinese_editions_title():
    """The Chinese feed and "What changed" said 标题有变化 for a version whose Chinese title was the
    same: the texts compared were the English ones the versions record first."""
    from types import SimpleNamespace

    from pilotsite.pages.model import shown_texts_changed

    def meta(title: str, title_zh: str | None) -> bytes:
        recorded = {"title": title, "caption": "C", "alt": "A", "notes": ""}
        if title_zh is not None:
            recorded["translations"] = {"zh": {"title": title_zh, "caption": "图注", "alt": "替代"}}
        return json.dumps(recorded).encode("utf-8")

    versions = {"a": meta("Words: Wenling", "高频词：温岭"), "b": meta("Words: Wenling budgets", "高频词：温岭")}
    versions["c"] = meta("Words: Wenling budgets", None)  # recorded before versions kept their translations
    files = {f"{VERSION_FOLDER.format(figure='f', version=v)}/meta.json": m for v, m in versions.items()}

    def changed(language: str, old: str, new: str) -> tuple[str, ...]:
        return shown_texts_changed(SimpleNamespace(history_files=files, language=language), "f", old, new)

    assert changed("en", "a", "b") == ("title",)
    assert changed("zh", "a", "b") == ()
    assert changed("zh", "c", "b") == ()  # without the Chinese texts of both: as recorded first
    assert changed("zh", "a", "c") == ("title",)


def test_a_comparison_shows_each_text_in_the_editions_words_and_marks_those_in_another():
    """The Chinese comparison pages showed the English alt text and notes although both versions
    had frozen Chinese ones, unmarked, so a Chinese voice read them."""
    from pilotsite.pages.model import shown_text_changes

    zh_old = {"title": "词", "caption": "图注", "alt": "条形：甲 1", "notes": "有 3 篇文本不属于任何分组。"}
    old = {"title": "Words", "caption": "C", "alt": "Bars: a 1", "notes": "3 texts are in no group."}
    new = {**old, "alt": "Bars: a 2", "notes": "4 texts are in no group."}
    old["translations"] = {"zh": zh_old}
    new["translations"] = {"zh": {**zh_old, "alt": "条形：甲 2", "notes": "有 4 篇文本不属于任何分组。"}}
    assert shown_text_changes("zh", old, new) == (
        ("alt", "条形：甲 1", "条形：甲 2", "zh"),
        ("notes", "有 3 篇文本不属于任何分组。", "有 4 篇文本不属于任何分组。", "zh"),
    )
    assert shown_text_changes("en", old, new) == (
        ("alt", "Bars: a 1", "Bars: a 2", "en"),
        ("notes", "3 texts are in no group.", "4 texts are in no group.", "en"),
    )
    # a version that froze no Chinese notes: both versions' notes as recorded, in English
    del new["translations"]["zh"]["notes"]
    recorded_first = ("notes", "3 texts are in no group.", "4 texts are in no group.", "en")
    assert shown_text_changes("zh", old, new)[1] == recorded_first


def test_version_pages_show_their_notes_in_the_editions_words_where_frozen(built_project):
    """A version page left out the notes its figure page shows (51 texts are in no group …),
    though they are part of what the version publishes."""
    site, shown = built_project / "_site", 0
    for meta_file in (built_project / "history/figures").glob("*/*/meta.json"):
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        page = f"figures/{meta_file.parent.parent.name}/v/{meta_file.parent.name}/index.html"
        if not meta.get("notes") or not (site / page).is_file():
            continue
        english = lxml.html.fromstring((site / page).read_bytes()).xpath("//p[@class='note']")
        assert [p.text_content() for p in english] == meta["notes"].split("\n"), page
        chinese = lxml.html.fromstring((site / "zh" / page).read_bytes()).xpath("//p[@class='note']")
        frozen = meta.get("translations", {}).get("zh", {}).get("notes")
        assert [p.text_content() for p in chinese] == (frozen or meta["notes"]).split("\n"), page
        assert all(p.get("lang") == (None if frozen else "en") for p in chinese), page
        shown += 1
    assert shown >= 5  # the corpus figures' versions with texts in no group


def test_versions_frozen_without_their_notes_translations_get_them_once_where_the_notes_are_the_same(tmp_path):
    from types import SimpleNamespace

    from pilotsite.state import ledger as ledger_module

    notes = ("51 texts are in no group.",)
    figure = SimpleNamespace(
        title="Words", caption="C", notes=notes, translations=(("zh", "词", "图注", ("有 51 篇文本不属于任何分组。",)),)
    )
    drawn = {"f": SimpleNamespace(figure=figure, alt="Bars", translations=(("zh", "条形", "", (), {}),))}
    recorded = {"cited": {}, "title": "Words", "caption": "C", "alt": "Bars", "translations": {"zh": {"title": "词"}}}
    ledger = {"figures": {"f": [{"version": "0123456789ab"}, {"version": "ba9876543210"}]}}
    for version, its_notes in (("0123456789ab", notes[0]), ("ba9876543210", "50 texts are in no group.")):
        folder = tmp_path / VERSION_FOLDER.format(figure="f", version=version)
        folder.mkdir(parents=True)
        (folder / "meta.json").write_bytes(ledger_module.meta_bytes({**recorded, "notes": its_notes}))
    [(path, migrated)] = ledger_module.migrated_metas(ledger, tmp_path, {}, {}, {}, drawn).items()
    assert path.endswith("/0123456789ab/meta.json")  # the other's notes are not the figure's now
    assert json.loads(migrated)["translations"] == {"zh": {"title": "词", "notes": "有 51 篇文本不属于任何分组。"}}
    (tmp_path / path).write_bytes(migrated)
    assert ledger_module.migrated_metas(ledger, tmp_path, {}, {}, {}, drawn) == {}  # once


def test_a_past_versions_files_edited_by_hand_are_refused_not_republished(project_copy):
    """A cell of a past version's data.csv changed in history/: the build had republished the
    version's page and data as edited, under the citations made of what it was."""
    from pilotsite.errors import BuildError
    from pilotsite.state import ledger

    assert ledger.load(project_copy)["figures"]
    entry = ledger.load(project_copy)["figures"]["keyword-overlap"][0]
    # the version brought back later (a return, recorded in the ledger again): named once all the same
    recorded = json.loads((project_copy / "history/ledger.json").read_text(encoding="utf-8"))
    recorded["figures"]["keyword-overlap"].append(entry | {"restores": True})
    (project_copy / "history/ledger.json").write_text(json.dumps(recorded), encoding="utf-8")
    folder = VERSION_FOLDER.format(figure="keyword-overlap", version=entry["version"])
    data = project_copy / folder / "data.csv"
    lines = data.read_text(encoding="utf-8").split("\n")
    lines[1] += "s"  # its last cell, a word, in the plural
    data.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(BuildError) as refused:
        ledger.load(project_copy)
    [problem] = refused.value.problems
    assert problem.file == f"{folder}/" and f"version {entry['number']} of figure 'keyword-overlap'" in problem.message
    assert f"restore it with git checkout -- {folder}" in problem.message


def test_versions_frozen_with_the_sites_licence_line_get_its_chinese_words_once(tmp_path):
    """The footer of the Chinese edition named the licence in English on every page. data/site.yaml
    now gives the line in Chinese too (licence_zh), frozen with each new version; a version frozen
    before gets the Chinese words once where its line is the site's line now, and none where its
    line is another (its footer keeps the English words it froze)."""
    from pilotsite.state import ledger as ledger_module

    site_now = {"authors": ["A"], "licence": "CC BY 4.0; code MIT", "licence_zh": "CC BY 4.0；代码 MIT"}
    lines = {"aaaaaaaaaaaa": "CC BY 4.0; code MIT", "bbbbbbbbbbbb": "CC BY 4.0 (text and data)"}
    for version, line in lines.items():
        folder = tmp_path / VERSION_FOLDER.format(figure="f", version=version)
        folder.mkdir(parents=True)
        (folder / "meta.json").write_bytes(ledger_module.meta_bytes({"cited": {"authors": ["A"], "licence": line}}))
    ledger = {"figures": {"f": [{"version": version} for version in lines]}}
    [(path, migrated)] = ledger_module.migrated_metas(ledger, tmp_path, site_now, {}).items()
    assert path == f"{VERSION_FOLDER.format(figure='f', version='aaaaaaaaaaaa')}/meta.json"
    assert json.loads(migrated)["cited"] == {
        "authors": ["A"],
        "licence": lines["aaaaaaaaaaaa"],
        "licence_zh": "CC BY 4.0；代码 MIT",
    }
    (tmp_path / path).write_bytes(migrated)
    assert ledger_module.migrated_metas(ledger, tmp_path, site_now, {}) == {}  # once
