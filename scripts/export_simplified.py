#!/usr/bin/env python3
"""Export OpenCC's table of traditional Chinese characters and their simplified forms, for the
search page: a reader who types 國務院 is searched for 国务院 (site/assets/query-words.js).

Usage (from the repository root):

    python scripts/export_simplified.py

Writes site/assets/simplified.txt: after its header, one line per character, the traditional
form then the simplified one. Each character is converted by itself with OpenCC's t2s
configuration, and with hk2s for the Hong Kong forms t2s leaves alone (衞, 敍); tw2s's own
additions are left out, as they turn simplified characters too (么 into 幺). The output depends
only on the installed OpenCC version, so reruns give identical bytes; tests/test_search_words.py
checks that the table is what this script writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import opencc

REPO_ROOT = Path(__file__).resolve().parent.parent
TABLE = REPO_ROOT / "site/assets/simplified.txt"
# the Han blocks that OpenCC's dictionaries cover: CJK Unified Ideographs, Extension A, and the
# compatibility ideographs (the extensions beyond the BMP hold no character t2s changes)
HAN_BLOCKS = ((0x4E00, 0xA000), (0x3400, 0x4DC0), (0xF900, 0xFB00))
CONFIGURATIONS = ("t2s", "hk2s")  # the first that changes a character gives its simplified form


def simplified_forms() -> dict[str, str]:
    characters = [chr(code) for start, end in HAN_BLOCKS for code in range(start, end)]
    forms: dict[str, str] = {}
    for configuration in CONFIGURATIONS:
        # one character per line: OpenCC converts phrases, and no phrase spans a line break
        converted = opencc.OpenCC(configuration).convert("\n".join(characters)).split("\n")
        if len(converted) != len(characters):
            raise SystemExit(f"OpenCC {configuration} changed the number of lines")
        for traditional, simplified in zip(characters, converted, strict=True):
            if simplified != traditional and len(simplified) == 1:
                forms.setdefault(traditional, simplified)
    return dict(sorted(forms.items()))


def table_text(forms: dict[str, str]) -> str:
    header = (
        f"# Traditional Chinese characters and their simplified forms: {len(forms)} characters.\n"
        f"# From OpenCC {opencc.__version__} (https://github.com/BYVoid/OpenCC, Apache License 2.0),\n"
        "# written by scripts/export_simplified.py; read by query-words.js.\n"
    )
    return header + "".join(f"{traditional}{simplified}\n" for traditional, simplified in forms.items())


def main() -> int:
    forms = simplified_forms()
    TABLE.write_bytes(table_text(forms).encode("utf-8"))
    print(f"{TABLE.relative_to(REPO_ROOT)}: {len(forms)} characters (OpenCC {opencc.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
