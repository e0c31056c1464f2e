#!/usr/bin/env python3
"""Export the Chinese and English stopword lists of the `stopwordsiso` package.

Usage (from the repository root):

    python scripts/export_stopwords.py

Writes data/lexicon/stopwords-zh.txt and data/lexicon/stopwords-en.txt: one word
a line, sorted by Unicode code point, UTF-8, LF line endings, trailing newline.
The output depends only on the installed stopwordsiso version (recorded in
data/lexicon/README.md), so reruns give identical bytes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import stopwordsiso

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = REPO_ROOT / "data" / "lexicon"
LANGS = ("zh", "en")


def main() -> int:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for lang in LANGS:
        words = {w.strip() for w in stopwordsiso.stopwords(lang)}
        words.discard("")
        text = "".join(w + "\n" for w in sorted(words))
        out = OUT_DIR / f"stopwords-{lang}.txt"
        out.write_bytes(text.encode("utf-8"))
        print(f"{out.relative_to(REPO_ROOT)}: {len(words)} words (stopwordsiso {stopwordsiso.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
