#!/usr/bin/env python3
"""Draw the reproducible sample of the regulations corpus that ships in data/.

    python scripts/sample_corpus.py [--source ../shared/corpora/cn-regulations]
                                    [--out data/corpora/cn-regulations-sample] [--max-mb 3]

Stratified by level, region and issuer tier: every stratum keeps at least a few texts and
otherwise a share of the size budget proportional to its size in the full corpus. Within a
stratum, texts are taken in the order of SHA-256(seed + id), so the same corpus, seed and budget
always give the same sample. The layout (metadata.csv + texts/) is the source's.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import shutil
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = "pilotsite-sample-1"
MIN_PER_STRATUM = 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared/corpora/cn-regulations")
    parser.add_argument("--out", type=Path, default=ROOT / "data/corpora/cn-regulations-sample")
    parser.add_argument("--max-mb", type=float, default=3.0)
    args = parser.parse_args()
    with open(args.source / "metadata.csv", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    size = {r["id"]: (args.source / r["file"]).stat().st_size for r in rows}
    strata = defaultdict(list)
    for row in rows:
        strata[(row["level"], row["region"], row["issuer_tier"])].append(row)
    budget = args.max_mb * 1_000_000 * 0.98  # leave room for metadata.csv
    total = sum(size.values())
    chosen = []
    for key in sorted(strata):
        members = sorted(strata[key], key=lambda r: hashlib.sha256((SEED + r["id"]).encode()).hexdigest())
        share = budget * sum(size[r["id"]] for r in members) / total
        used = 0
        for index, row in enumerate(members):
            if index >= MIN_PER_STRATUM and used + size[row["id"]] > share:
                continue
            chosen.append(row)
            used += size[row["id"]]
    chosen.sort(key=lambda r: r["id"])
    if args.out.exists():
        shutil.rmtree(args.out)
    for row in chosen:
        target = args.out / row["file"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(args.source / row["file"], target)
    with open(args.out / "metadata.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(chosen)
    mb = sum(size[r["id"]] for r in chosen) / 1e6
    print(f"{len(chosen)} of {len(rows)} texts, {mb:.2f} MB -> {args.out}")
    for key in sorted(strata):
        taken = sum(1 for r in chosen if (r["level"], r["region"], r["issuer_tier"]) == key)
        print(f"  {'/'.join(k or '-' for k in key)}: {taken} of {len(strata[key])}")


if __name__ == "__main__":
    main()
