"""Publishing without doubling the site: the new site is staged by hard-linking every unchanged
file (from the published site or the cache) and writing only what changed; a published file is
never written through a link; where no link can be made, files are copied and the site is the same."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

import build as build_module
from conftest import copy_built, discard, tree_hashes
from pilotsite.state import staging

KEYWORDS = "data/reported/return-migrant-entrepreneurship/keywords.csv"


def inodes(folder: Path) -> dict[str, tuple[int, int]]:
    found = {}
    for directory, _, names in os.walk(folder):
        for name in names:
            stat = (Path(directory) / name).lstat()
            found[(Path(directory) / name).relative_to(folder).as_posix()] = (stat.st_dev, stat.st_ino)
    return found


def hold(site: Path, into: Path) -> None:
    """Hard links to every file of the published site: its files stay as they are unless written through."""
    for path in site.rglob("*"):
        if path.is_file():
            (into / path.relative_to(site)).parent.mkdir(parents=True, exist_ok=True)
            os.link(path, into / path.relative_to(site))


def edit_one_figure(root: Path) -> None:
    table = root / KEYWORDS
    table.write_text(table.read_text(encoding="utf-8").replace("Results ›", "Results (revised) ›", 1), encoding="utf-8")


@pytest.fixture(scope="module")
def republished(built_project, tmp_path_factory):
    """A built project after a one-figure edit and a rebuild, with what its site was before: the
    digests and inodes of its files, and hard links that held the old files through the rebuild."""
    root = copy_built(built_project, tmp_path_factory.mktemp("staging") / "project")
    site = root / "_site"
    before, old_inodes = tree_hashes(site), inodes(site)
    held = root.parent / "held"
    hold(site, held)
    edit_one_figure(root)
    report = build_module.build(root, site, renderer="embedded")
    yield root, before, old_inodes, held, report
    discard(root.parent)


def test_a_one_figure_edit_links_every_unchanged_file_and_writes_only_what_changed(republished):
    root, before, old_inodes, _, report = republished
    assert report["figures_rebuilt"] == ["return-migrant-keywords"]
    site = root / "_site"
    after, new_inodes = tree_hashes(site), inodes(site)
    unchanged = [p for p, digest in after.items() if before.get(p) == digest]
    changed = [p for p in after if p not in unchanged]
    assert unchanged and changed and "figures/return-migrant-keywords/data.csv" in changed
    assert [p for p in unchanged if new_inodes[p] != old_inodes[p]] == []  # the published file itself, not a copy
    # A changed file is a new one, or a link to a published file of the same bytes (a new
    # version whose image is as before shares the cached thumbnail): never one written through.
    bytes_of = {inode: before[p] for p, inode in old_inodes.items()}
    assert [p for p in changed if bytes_of.get(new_inodes[p], after[p]) != after[p]] == []
    assert [p for p in changed if p in before and new_inodes[p] == old_inodes[p]] == []
    # what changed is the edited figure's files, its pages and what lists every version: a small share
    new_bytes = sum((site / p).stat().st_size for p in changed)
    assert new_bytes <= 0.1 * sum((site / p).stat().st_size for p in after), (new_bytes, sorted(changed)[:40])
    assert not [p for p in after if p.endswith((".tmp", ".link"))]


def no_links(source, target, *args, **kwargs):
    """os.link where no link can be made (another filesystem)."""
    raise OSError(errno.EXDEV, "Invalid cross-device link", str(target))


def test_a_published_file_is_never_written_through_a_link(republished):
    _, before, _, held, _ = republished
    assert tree_hashes(held) == before  # every old file still holds its old bytes


def test_where_no_link_can_be_made_files_are_copied_and_the_site_is_the_same(
    republished, built_project, tmp_path, monkeypatch
):
    linked_root = republished[0]
    root = copy_built(built_project, tmp_path / "project")
    site = root / "_site"
    old_inodes = set(inodes(site).values())
    edit_one_figure(root)

    monkeypatch.setattr(os, "link", no_links)
    build_module.build(root, site, renderer="embedded")
    monkeypatch.undo()
    assert tree_hashes(site) == tree_hashes(linked_root / "_site")
    assert not set(inodes(site).values()) & old_inodes  # every file copied: nothing shared


@pytest.mark.parametrize("links", [True, False], ids=["links", "no links"])
def test_a_cache_entry_placed_over_a_file_replaces_it_and_never_writes_through(tmp_path, monkeypatch, links):
    """caching.link_or_copy onto a path that already holds a file (a hard link to a published
    file): the path gets the entry, and the published file keeps its bytes, with hard links or
    without (another filesystem)."""
    from pilotsite.state.caching import link_or_copy

    published, entry, target = tmp_path / "published.html", tmp_path / "entry.html", tmp_path / "staged.html"
    published.write_text("published", encoding="utf-8")
    entry.write_text("cache entry", encoding="utf-8")
    os.link(published, target)
    if not links:
        monkeypatch.setattr(os, "link", no_links)
    link_or_copy(entry, target)
    assert target.read_text(encoding="utf-8") == "cache entry"
    assert published.read_text(encoding="utf-8") == "published"
    assert os.path.samefile(target, entry) == links
    link_or_copy(entry, tmp_path / "new.html")  # nothing there yet: linked or copied as ever
    assert (tmp_path / "new.html").read_text(encoding="utf-8") == "cache entry"


def test_a_staged_file_that_changes_replaces_its_link(tmp_path):
    """write_staged: the same bytes as published become a link to the published file; other bytes
    a new file, and the published file keeps its own."""
    out = tmp_path / "_site"
    out.mkdir()
    (out / "page.html").write_text("published", encoding="utf-8")
    staged = staging.staging_dir(out)
    staged.mkdir()
    staging.write_staged(staged, "page.html", b"published")
    assert os.path.samefile(staged / "page.html", out / "page.html")
    staging.write_staged(staged, "page.html", b"changed")
    assert (staged / "page.html").read_bytes() == b"changed"
    assert (out / "page.html").read_bytes() == b"published"
    assert not os.path.samefile(staged / "page.html", out / "page.html")
    staging.write_staged(staged, "new/page.html", b"new")
    assert (staged / "new/page.html").read_bytes() == b"new"
    assert staging.published_dir(staged) == out


def test_a_site_is_staged_into_the_folders_of_the_site_it_replaced(republished, tmp_path):
    """The site a publish replaces keeps its folders, emptied of files, and the next build stages
    into them: nothing left in them is published, a folder where the new site has a file gives
    way, and a folder the new site does not fill is not published."""
    spare = republished[0] / ".build" / "spare-site"
    assert (spare / "figures" / "return-migrant-keywords").is_dir()  # the replaced site's folders
    assert [p for p in spare.rglob("*") if not p.is_dir()] == []  # and none of its files
    root = copy_built(republished[0], tmp_path / "project")
    spare, site = root / ".build" / "spare-site", root / "_site"
    (spare / "figures" / "left-by-a-kill.html").write_text("<script>stale</script>", encoding="utf-8")
    (spare / "index.html" / "inner").mkdir(parents=True)  # a folder where the site has a page
    (spare / "retired-page" / "deeper").mkdir(parents=True)  # a folder the site has no file in
    table = root / KEYWORDS
    table.write_text(table.read_text(encoding="utf-8").replace("Results (revised) ›", "Results ›", 1), encoding="utf-8")
    assert build_module.build(root, site, renderer="embedded")["figures_rebuilt"] == ["return-migrant-keywords"]
    assert (site / "index.html").is_file()
    assert not (site / "figures" / "left-by-a-kill.html").exists() and not (site / "retired-page").exists()
    assert [d for d, folders, names in os.walk(site) if not folders and not names] == []
    shutil.rmtree(spare)  # staged into a new folder instead: the same site
    assert build_module.build(root, site, renderer="embedded", check=True)["differences"] == []
    assert not spare.exists()  # --check publishes nothing, so retires no site


def test_a_file_of_the_replaced_site_that_cannot_be_removed_is_a_warning_not_a_failed_build(tmp_path, monkeypatch):
    # The new site is in place before the old one is retired: a file that cannot be removed then
    # (an immutable file, a folder of another user) leaves the publish done, and is said.
    from pilotsite.publishing import publish

    out, staged, spare = tmp_path / "_site", tmp_path / "staged", tmp_path / "spare"
    for folder, text in ((out, "old"), (staged, "new")):
        folder.mkdir()
        (folder / "index.html").write_text(text, encoding="utf-8")

    def refuse(folder: Path) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted", str(folder / "index.html"))

    monkeypatch.setattr(publish, "remove_files", refuse)
    recorded = []
    left = publish.publish(staged, out, meanwhile=lambda: recorded.append(True), spare=spare)
    assert (out / "index.html").read_text(encoding="utf-8") == "new" and recorded == [True]
    assert left.startswith("the new site is published, but a file of the one it replaced could not be removed: ")
    assert str(spare / "index.html") in left and "Operation not permitted" in left
