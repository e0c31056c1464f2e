"""The new site is staged beside the published one (same filesystem, so publishing is a rename),
and a staged file that holds the same bytes as the published file at its path is a hard link to
it: only what changed takes new space, and the site is not written again on each build.

A file linked from the published site is never written through: whatever changes a staged file
replaces it by a rename (write_staged here, caching.put_link and put_bytes, fingerprint.write_atomic).
Where no link can be made (another filesystem), the file is written or copied as before."""

from __future__ import annotations

import os
from pathlib import Path

from pilotsite.state.caching import put_link, same_bytes
from pilotsite.state.fingerprint import write_atomic


def staging_dir(out: Path) -> Path:
    """A sibling of the output folder: same filesystem, so the final rename is atomic."""
    return out.parent / f".{out.name}.staging"


def published_dir(staging: Path) -> Path:
    """The output folder whose staging folder this is (the inverse of staging_dir)."""
    return staging.parent / staging.name[1 : -len(".staging")]


def link_in(source: Path, target: Path) -> bool:
    """Make target a hard link to source by a rename over it; False where no link can be made
    (another filesystem, a filesystem without hard links, too many links): target is kept."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.link")
    try:
        os.link(source, temporary)
    except OSError:
        return False
    os.replace(temporary, target)
    return True


def write_staged(staging: Path, relative: str, data: bytes) -> None:
    """Put data at staging/relative: a hard link to the published file when that holds the same
    bytes (nothing written), else a new file, written beside it and renamed into place."""
    target = staging / relative
    published = published_dir(staging) / relative
    if same_bytes(published, data):
        target.parent.mkdir(parents=True, exist_ok=True)
        put_link(published, target)  # a copy where no link can be made
    else:
        write_atomic(target, data)


def share_unchanged(staging: Path, folder: str = "") -> int:
    """Replace each file under staging/folder that is not its published twin but holds the same
    bytes (written anew by a tool such as Pagefind or Quarto, or a cache entry made anew for an
    unchanged page) by a hard link to that twin. Returns the bytes that no longer take new space."""
    published, shared = published_dir(staging), 0
    if not published.is_dir():
        return 0
    for directory, _, names in os.walk(staging / folder):
        for name in names:
            path = Path(directory) / name
            stat = path.lstat()
            twin = published / path.relative_to(staging)
            try:
                twin_stat = twin.lstat()
            except (FileNotFoundError, NotADirectoryError):
                continue
            if (twin_stat.st_ino, twin_stat.st_dev) == (stat.st_ino, stat.st_dev) or twin_stat.st_size != stat.st_size:
                continue
            if (
                path.is_file()
                and twin.is_file()
                and not path.is_symlink()
                and not twin.is_symlink()
                and twin.read_bytes() == path.read_bytes()
                and link_in(twin, path)
            ):
                shared += stat.st_size
    return shared
