#!/usr/bin/env python3
"""Import the five source documents into data/documents/<doc-id>/text.md.

Usage (from the repository root):

    python scripts/import_sources.py [--sources ../shared/sources]

Cleaning only removes web-page residue and moves front matter (titles, authors,
posting metadata) out of the text; sentences are never rewritten. Typos, missing
spaces and curly quotes of the sources are kept exactly. Bibliographic facts that
are removed from the text are recorded by hand in data/documents/<doc-id>/document.yaml.

The output is simple Markdown: headings start with "## " or "### ", paragraphs are
separated by exactly one blank line, list items start with "- ". Files are UTF-8
with LF line endings and a trailing newline. The script is deterministic.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

DOCS = {
    "000_466346d42d0f7333.txt": "m-county-homestead-pilot",
    "001_c837e4832e94b70a.txt": "return-migrant-entrepreneurship",
    "002_50dc71c3cf5b3a03.txt": "lu-street-typical-experience",
    "003_5e10330b8d54dcf1.txt": "shanxi-collaborative-contest",
    "004_ac2ca491cd80563c.txt": "wenling-participatory-budgeting",
}

# ---------------------------------------------------------------- helpers

A_TAG = re.compile(r"<a\s+[^>]*>(.*?)</a>", re.S)
SUP_TAG = re.compile(r"<sup>(.*?)</sup>", re.S)


def strip_inline(s: str) -> str:
    """Remove HTML tags and Markdown bold markers, keep the text inside."""
    s = A_TAG.sub(r"\1", s)
    s = SUP_TAG.sub(r"\1", s)
    s = s.replace("**", "")
    return s


def render(blocks: list[str]) -> str:
    """Join blocks with one blank line; consecutive list items ("- ") form one
    block (one item a line). LF line endings, trailing newline."""
    out: list[str] = []
    prev_item = False
    for b in blocks:
        b = b.strip()
        if not b:
            continue
        item = b.startswith("- ")
        if item and prev_item:
            out[-1] = out[-1] + "\n" + b
        else:
            out.append(b)
        prev_item = item
    return "\n\n".join(out) + "\n"


def lines_of(raw: str) -> list[str]:
    return raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def is_blank(line: str) -> bool:
    return line.strip() == ""  # str.strip() also removes NBSP


# ---------------------------------------------------------------- 000


def clean_000(raw: str) -> str:
    lines = lines_of(raw)
    # line 1: title (-> document.yaml); line 2: abstract; line 3: run-together
    # keyword list (-> document.yaml keywords).
    abstract = lines[1].rstrip()
    return render([abstract])


# ---------------------------------------------------------------- 001

RUNNING_HEADER = re.compile(
    r"^(Volume 4 Issue 1: January -February 2024: ISSN 2985-2730"
    r"|Website: "
    r"|DOI: "
    r"|## International Journal of Sociologies and Anthropologies Science Reviews)"
)
FIGURE_LINE = re.compile(r"^Figure \d+\b")
TOP_LEVEL_001 = {
    "Abstract",
    "Introduction",
    "Significance of the Problem",
    "Objectives",
    "Literature review",
    "Conceptual Framework",
    "Research Methodology",
    "Results",
    "Discussion",
    "Recommendation",
    "References",
}
SENTENCE_END = (".", "?", "!", ":", '"', "”", ")")


def clean_001(raw: str) -> str:
    lines = lines_of(raw)
    blocks: list[str] = []
    # Each block: (text, preceded_by_page_break)
    items: list[tuple[str, bool]] = []
    page_break = False
    in_front = True  # before "#### Abstract": title + author block
    for line in lines:
        line = line.rstrip()
        if is_blank(line):
            continue
        if RUNNING_HEADER.match(line):
            page_break = True
            continue
        if FIGURE_LINE.match(line):
            continue  # placeholder for an image we do not have
        if in_front:
            if line.startswith("#### Abstract"):
                in_front = False
            else:
                # Title, authors, affiliation, e-mail/ORCID lines go to
                # document.yaml. Only the editorial-history dates are kept.
                m = re.search(r"(Received \S+ Revised \S+ Accepted \S+)\s*$", line)
                if m:
                    items.append((m.group(1), False))
                continue
        m = re.match(r"^(#+)\s*(.*)$", line)
        if m:
            title = strip_inline(m.group(2)).strip()
            level = "## " if title in TOP_LEVEL_001 else "### "
            items.append((level + title, page_break))
        else:
            items.append((strip_inline(line).rstrip(), page_break))
        page_break = False

    # Rejoin paragraphs split by a page break (running header between them):
    # previous block does not end a sentence and the next starts lower-case.
    for text, after_break in items:
        if (
            after_break
            and blocks
            and not text.startswith("#")
            and not blocks[-1].startswith("#")
            and not blocks[-1].endswith(SENTENCE_END)
            and text[:1].islower()
        ):
            blocks[-1] = blocks[-1] + " " + text
        else:
            blocks.append(text)
    return render(blocks)


# ---------------------------------------------------------------- 002


def clean_002(raw: str) -> str:
    blocks: list[str] = []
    for line in lines_of(raw):
        line = line.rstrip()
        if is_blank(line):
            continue
        if line == "Font Size: a A A":
            continue
        if line.startswith("Manufacturing Typical Experience:Research On"):
            continue  # title -> document.yaml
        if line.startswith(("Posted on:", "Country:", "GTID:")):
            continue  # posting metadata -> document.yaml
        if line.startswith("Abstract/Summary:"):
            blocks.append("## Abstract")
            continue  # rest of the line is "PDF Full Text Request"
        if line.startswith("PDF Full Text Request") or line.startswith("Related items"):
            continue
        if line.startswith("Keywords/Search Tags:"):
            blocks.append("## Keywords")
            blocks.append(line[len("Keywords/Search Tags:") :].strip())
            continue
        blocks.append(line)
    return render(blocks)


# ---------------------------------------------------------------- 003

LABEL_003 = re.compile(r"^(Authors|Information|Keywords|Abstract|DOI|Cite):$")


METADATA_SECTIONS_003 = {"Authors", "Information", "DOI", "Cite"}  # kept in document.yaml instead


def clean_003(raw: str) -> str:
    blocks: list[str] = []
    in_metadata = False
    for line in lines_of(raw):
        line = line.rstrip()
        if is_blank(line) or line == "-":
            continue  # lone "-" separators
        m = LABEL_003.match(line)
        if m:
            in_metadata = m.group(1) in METADATA_SECTIONS_003
            if not in_metadata:
                blocks.append("## " + m.group(1))
            continue
        if not in_metadata:
            blocks.append(line)  # Chinese and English paragraphs stay separate
    return render(blocks)


# ---------------------------------------------------------------- 004

FOOTNOTE = re.compile(r"^\[\d+\] ")


def clean_004(raw: str) -> str:
    body: list[str] = []
    notes: list[str] = []
    for line in lines_of(raw):
        line = line.rstrip()
        if is_blank(line):
            continue
        if line.startswith("Written by "):
            continue  # byline -> document.yaml authors
        if line == "Leave a Reply" or line.startswith("Your email address will not be published"):
            continue
        if FOOTNOTE.match(line):
            notes.append(line)
        else:
            body.append(line)
    blocks = body + (["## Notes"] + notes if notes else [])
    return render(blocks)


CLEANERS = {
    "000_466346d42d0f7333.txt": clean_000,
    "001_c837e4832e94b70a.txt": clean_001,
    "002_50dc71c3cf5b3a03.txt": clean_002,
    "003_5e10330b8d54dcf1.txt": clean_003,
    "004_ac2ca491cd80563c.txt": clean_004,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--sources",
        default="../shared/sources",
        help="folder with the source .txt files (relative to the repository root)",
    )
    args = ap.parse_args(argv)
    src_dir = Path(args.sources)
    if not src_dir.is_absolute():
        src_dir = (REPO_ROOT / src_dir).resolve()
    out_root = REPO_ROOT / "data" / "documents"
    for fname, doc_id in DOCS.items():
        raw = (src_dir / fname).read_bytes().decode("utf-8")
        text = CLEANERS[fname](raw)
        out_dir = out_root / doc_id
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "text.md").write_bytes(text.encode("utf-8"))
        print(f"{fname} -> {(out_dir / 'text.md').relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
