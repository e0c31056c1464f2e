"""A catalogue of mistakes a maintainer makes, each run through `python build.py` as they would.

Every case asserts the exit code, the words of the message that say what and where, that no
traceback is shown, and that the published site and the build cache are byte-identical to
before. The project copy is built once; each case edits it and puts the files back.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT, copy_built, discard, interruptible, run_build, tree_hashes

REPORTED = "data/reported/return-migrant-entrepreneurship"
EVENTS = "data/timelines/events.csv"
DOC = "data/documents/wenling-participatory-budgeting"
CORPUS = "data/corpora/cn-regulations-sample"
MARKER = Path("/tmp") / f"pilotsite-yaml-executed-{uuid.uuid4().hex}"


def edit(root: Path, path: str, old: str, new: str, count: int = 1) -> None:
    file = root / path
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    file.write_text(text.replace(old, new, count), encoding="utf-8")


def edit_line(root: Path, path: str, number: int, change: Callable[[str], str]) -> None:
    file = root / path
    lines = file.read_text(encoding="utf-8").split("\n")
    lines[number - 1] = change(lines[number - 1])
    file.write_text("\n".join(lines), encoding="utf-8")


def first_cell(root: Path, path: str, column: str) -> str:
    import csv

    with open(root / path, encoding="utf-8", newline="") as handle:
        return next(csv.DictReader(handle))[column]


def add_analysis(root: Path, name: str, body: str) -> None:
    (root / "analyses" / name).write_text(textwrap.dedent(body), encoding="utf-8")


ANALYSIS_HEAD = """
    import pandas as pd
    from pilotsite.figures.figure import Figure

    def figures(catalog):
        return [Figure(id="{id}", title="T", caption="C", kind="policy-tools", \
documents=("return-migrant-entrepreneurship",),
                       inputs=("{input}",), compute=compute, draw=lambda data, fig: None, describe=lambda data: "alt")]
"""
TOOL_TYPES = f"{REPORTED}/tool-types.csv"


def analysis(figure_id: str, compute_body: str, input_path: str = TOOL_TYPES) -> str:
    return ANALYSIS_HEAD.format(id=figure_id, input=input_path) + textwrap.indent(textwrap.dedent(compute_body), "    ")


@dataclass(frozen=True)
class Case:
    name: str
    mutate: Callable[[Path], None]
    expected: tuple[str, ...]  # words the message must contain
    exit_code: int = 2  # bad input (build.py's exit status)
    # found after figures or pages were made: what was made is in the caches (keyed by content, or
    # added to their memos); nothing there before may go
    found_late: bool = False


def swap_first_share(value: str):
    return lambda root: edit_line(root, TOOL_TYPES, 2, lambda line: line.replace("50.82", value, 1))


def set_first_event(column: str, value: str):
    return lambda root: edit(root, EVENTS, first_cell(root, EVENTS, column), value)


def write_bytes(path: str, data: bytes):
    return lambda root: (root / path).write_bytes(data)


def big_sparse_file(root: Path) -> None:
    with open(root / DOC / "text.md", "r+b") as handle:
        handle.truncate(200 * 1024 * 1024)  # 200 MB, sparse: the test itself needs no memory


def gbk_text(root: Path) -> None:
    text = (root / "data/documents/shanxi-collaborative-contest/text.md").read_text(encoding="utf-8")
    (root / "data/documents/shanxi-collaborative-contest/text.md").write_bytes(text.encode("gbk", errors="replace"))


def bom_csv(root: Path) -> None:
    path = root / EVENTS
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())


def bad_byte_in_middle(root: Path) -> None:
    path = root / f"{REPORTED}/keywords.csv"
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2] + b"\xff"
    path.write_bytes(b"\n".join(lines))


SAMPLE = "data/corpora/cn-regulations-sample"
# the line of data/corpora.yaml's first entry, below its comments (which a maintainer may lengthen)
ENTRY = (ROOT / "data/corpora.yaml").read_text(encoding="utf-8").splitlines().index("corpora:") + 2


def bad_row_and_utf16_text(root: Path) -> None:
    """The first metadata row gets an id that is no id, and its text is saved as UTF-16."""
    import csv

    with open(root / SAMPLE / "metadata.csv", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or []), list(reader)
    text = root / SAMPLE / rows[0]["file"]
    text.write_bytes(text.read_text(encoding="utf-8").encode("utf-16"))
    rows[0]["id"] = "Bad ID"
    with open(root / SAMPLE / "metadata.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def duplicate_document(root: Path) -> None:
    shutil.copytree(root / DOC, root / "data/documents/wenling-copy")


def document_named_like_figures(root: Path) -> None:
    """A new document whose id is how another document's figures begin (return-migrant-keywords is
    the shipped article's): its keyword figure takes that id."""
    shutil.copytree(root / DOC, root / "data/documents/return-migrant")
    edit(
        root, "data/documents/return-migrant/document.yaml", "id: wenling-participatory-budgeting", "id: return-migrant"
    )


LONG_ID = "a" * 101  # an id names folders and files: one of 250 characters made a file name too long (exit 3)


def document_with_a_long_id(root: Path) -> None:
    shutil.copytree(root / DOC, root / f"data/documents/{LONG_ID}")
    edit(root, f"data/documents/{LONG_ID}/document.yaml", "id: wenling-participatory-budgeting", f"id: {LONG_ID}")


CASES = [
    Case(
        "missing column",
        lambda r: edit(r, TOOL_TYPES, "tool_type,share_pct,locator,quote", "tool_type,share_pct,quote"),
        (TOOL_TYPES, "line 1", "missing column 'locator'"),
    ),
    Case(
        "misspelled column",
        lambda r: edit(r, TOOL_TYPES, "tool_type,share_pct,", "tool_type,share_pc,"),
        (TOOL_TYPES, "line 1", "missing column 'share_pct'", "did you mean", "'share_pc'"),
    ),
    Case(
        "comma decimal",
        swap_first_share('"50,82"'),
        (TOOL_TYPES, "line 2", "column 'share_pct'", "found '50,82'", "plain number"),
    ),
    Case(
        "percent sign",
        swap_first_share("50.82%"),
        (TOOL_TYPES, "line 2", "column 'share_pct'", "found '50.82%'", "no % sign"),
    ),
    Case("share above 100", swap_first_share("150"), (TOOL_TYPES, "line 2", "found '150'", "between 0 and 100")),
    Case(
        "malformed date",
        set_first_event("date_start", "2019/05"),
        (EVENTS, "line 2", "column 'date_start'", "found '2019/05'", "YYYY-MM-DD"),
    ),
    Case(
        "impossible date",
        set_first_event("date_start", "2019-02-30"),
        (EVENTS, "line 2", "found '2019-02-30'", "a real date"),
    ),
    Case(
        "quote not in text",
        set_first_event("quote", "这句话不在原文之中"),
        (EVENTS, "line 2", "column 'quote'", "quote not found verbatim"),
    ),
    Case(
        "unknown document",
        set_first_event("document_id", "no-such-document"),
        (EVENTS, "line 2", "unknown document 'no-such-document'"),
    ),
    Case(
        "event id with ../",
        set_first_event("event_id", "../escape"),
        (EVENTS, "line 2", "column 'event_id'", "found '../escape'", "no spaces, slashes"),
    ),
    Case(
        "document id with a slash",
        lambda r: edit(r, f"{DOC}/document.yaml", "id: wenling-participatory-budgeting", "id: wenling/budget"),
        (f"{DOC}/document.yaml", "line 1", "field 'id'", "found 'wenling/budget'"),
    ),
    Case(
        "a document id that makes another's figure id",
        document_named_like_figures,
        (
            # the new document's figure is named first, the published one second, whichever analysis
            # file comes first in the folder
            "data/documents/return-migrant/document.yaml: figure id 'return-migrant-keywords' (document "
            "'return-migrant') is already used by analyses/policy_tools.py (document "
            "'return-migrant-entrepreneurship'), which has published versions of it (citations name it): a "
            "document's id begins its figures' ids, so give it another",
        ),
    ),
    Case(
        "a tie in a ranking",  # a figure's rows are keyed by level and rank: it had failed in the analysis
        lambda r: edit(r, f"{REPORTED}/keywords.csv", "central,2,reform", "central,1,reform"),
        (f"{REPORTED}/keywords.csv", "line 3", "duplicate level/rank 'central/1' (first on line 2)"),
    ),
    Case(
        "a keyword ranked twice",
        lambda r: edit(r, f"{REPORTED}/keywords.csv", "central,2,reform,1.84", "central,2,pilot,1.84"),
        (f"{REPORTED}/keywords.csv", "line 3", "duplicate level/keyword 'central/pilot' (first on line 2)"),
    ),
    Case(
        "document id of 101 characters",
        document_with_a_long_id,
        (
            f"data/documents/{LONG_ID}/document.yaml",
            "field 'id'",
            "an id of at most 100 characters",
            f"folder name '{LONG_ID}' is not an id: lowercase letters",
        ),
    ),
    Case(
        "corpus text id with a space",
        lambda r: edit_line(r, f"{CORPUS}/metadata.csv", 2, lambda line: "a b" + line[line.index(",") :]),
        (f"{CORPUS}/metadata.csv", "line 2", "column 'id'", "found 'a b'"),
    ),
    Case(
        "duplicate document id",
        duplicate_document,
        (
            "data/documents/wenling-copy/document.yaml, line 1:",
            "id 'wenling-participatory-budgeting' must equal the folder",
        ),
    ),
    Case(
        "duplicate figure id",
        lambda r: add_analysis(
            r, "again.py", analysis("return-migrant-tool-types", "def compute(inputs):\n    return None\n")
        ),
        (
            # blamed: the new analysis (again.py comes first in the folder, and had been let off)
            "analyses/again.py: figure id 'return-migrant-tool-types' (document 'return-migrant-entrepreneurship') "
            "is already used by analyses/policy_tools.py (document 'return-migrant-entrepreneurship'), which has "
            "published versions of it (citations name it)",
        ),
    ),
    Case(
        "duplicate corpus id",
        lambda r: edit(
            r,
            "data/corpora.yaml",
            "corpora:\n",
            "corpora:\n  - {id: cn-regulations, path: data/corpora/cn-regulations-sample}\n",
        ),
        # the line of the entry that gives the id again, not the list's key, and where it was first
        (
            f"data/corpora.yaml, line {ENTRY + 1}: field 'corpora': duplicate corpus id 'cn-regulations' "
            f"(first on line {ENTRY})",
        ),
    ),
    Case(
        "a duplicate corpus id and a misspelled key in another entry, reported in one run",
        lambda r: edit(
            r,
            "data/corpora.yaml",
            "corpora:\n",
            "corpora:\n  - {id: cn-regulations, path: data/corpora/cn-regulations-sample}\n"
            "  - {id: other, titel: T, path: data/corpora/cn-regulations-sample}\n",
        ),
        (
            f"data/corpora.yaml, line {ENTRY + 1}: unknown field 'corpora.1.titel'",
            f"data/corpora.yaml, line {ENTRY + 2}: field 'corpora': duplicate corpus id 'cn-regulations' "
            f"(first on line {ENTRY})",
        ),
    ),
    Case(
        "a misspelled key in one corpus entry and a missing folder in another, reported in one run",
        lambda r: edit(
            r,
            "data/corpora.yaml",
            "corpora:\n",
            "corpora:\n  - {id: misspelled, titel: Extra, path: data/corpora/cn-regulations-sample}\n"
            "  - {id: elsewhere, path: data/corpora/elsewhere}\n",
        ),
        (
            f"data/corpora.yaml, line {ENTRY}: unknown field 'corpora.0.titel'",
            "data/corpora/elsewhere/metadata.csv: not found (a corpus folder holds metadata.csv and the texts; "
            f"data/corpora.yaml, line {ENTRY + 1}, names the folder)",
        ),
    ),
    Case(
        "a document's bad date and its empty text, reported in one run",
        lambda r: (
            edit(r, f"{DOC}/document.yaml", "date: null", 'date: "2020-02-30"'),
            (r / DOC / "text.md").write_text("", encoding="utf-8"),
        ),
        (
            f"{DOC}/document.yaml, line 13: field 'date': found '2020-02-30', expected a real date",
            f"{DOC}/text.md: the document text is empty",
        ),
    ),
    Case(
        "a corpus row with a bad id and its text in UTF-16, reported in one run",
        bad_row_and_utf16_text,
        (
            f"{SAMPLE}/metadata.csv, line 2, column 'id': found 'Bad ID'",
            "neither UTF-8 nor GB18030 (it looks like UTF-16: save it as UTF-8)",
        ),
    ),
    Case(
        "document folder without its document.yaml",
        lambda r: (r / DOC / "document.yaml").unlink(),
        (f"{DOC}/document.yaml", "missing: the folder holds", "to withdraw a document, delete its whole folder"),
    ),
    Case("empty table", write_bytes(EVENTS, b""), (EVENTS, "line 1", "the file is empty; expected a header row")),
    Case(
        "deleted lexicon file",
        lambda r: (r / "data/lexicon/stopwords-en.txt").unlink(),
        ("data/lexicon/stopwords-en.txt: file not found",),
    ),
    Case("empty text", write_bytes(f"{DOC}/text.md", b"\n  \n"), (f"{DOC}/text.md", "the document text is empty")),
    Case(
        "GBK file without declaration",
        gbk_text,
        ("shanxi-collaborative-contest/text.md", "not valid UTF-8", ", line ", "byte offset", "GBK"),
    ),
    Case("BOM at the start of a CSV is accepted", bom_csv, ("Done:",), exit_code=0),
    Case(
        "non-UTF-8 byte in the middle",
        bad_byte_in_middle,
        (f"{REPORTED}/keywords.csv", "line 3", "not valid UTF-8", "0xff"),
    ),
    Case(
        "YAML python tag",
        lambda r: (r / "data/site.yaml").write_text(
            (r / "data/site.yaml").read_text(encoding="utf-8")
            + f'extra: !!python/object/apply:os.system ["touch {MARKER}"]\n',
            encoding="utf-8",
        ),
        ("data/site.yaml", "refused", "python/object", "never run"),
    ),
    Case(
        "YAML tab indentation",
        lambda r: edit(r, f"{DOC}/document.yaml", "\ntitle_en:", "\n\ttitle_en:"),
        (f"{DOC}/document.yaml", "not valid YAML", "line "),
    ),
    Case(
        "unknown field in document.yaml",
        lambda r: edit(r, f"{DOC}/document.yaml", "\nsummary:", "\nsumary:"),
        (f"{DOC}/document.yaml", "unknown field 'sumary'", "missing field 'summary'"),
    ),
    Case(
        "javascript: URL in metadata",
        lambda r: edit(r, f"{DOC}/document.yaml", "\nurl: null", '\nurl: "javascript:alert(1)"'),
        (f"{DOC}/document.yaml", "field 'url'", "javascript:alert(1)", "http:// or https:// URL"),
    ),
    Case(
        "missing site setting",
        lambda r: edit(r, "data/site.yaml", "\nsite_url:", "\n# site_url:"),
        ("data/site.yaml", "missing field 'site_url'"),
    ),
    Case(
        "rank that is not a whole number",
        lambda r: edit_line(r, f"{REPORTED}/keywords.csv", 2, lambda line: line.replace(",1,", ",first,", 1)),
        (f"{REPORTED}/keywords.csv", "line 2", "column 'rank'", "found 'first'", "a whole number"),
    ),
    Case(
        "full-width digit in a whole number",  # str.isdigit took it, and pandas then read it as -1
        lambda r: edit_line(r, f"{REPORTED}/keywords.csv", 2, lambda line: line.replace(",1,", ",１,", 1)),
        (f"{REPORTED}/keywords.csv", "line 2", "column 'rank'", "found '１'", "a whole number"),
    ),
    Case(
        "full-width digits in a share",
        swap_first_share("５０.８２"),
        (TOOL_TYPES, "line 2", "column 'share_pct'", "found '５０.８２'", "plain number"),
    ),
    Case(
        "full-width digits in a date",
        set_first_event("date_start", "２０２３"),
        (EVENTS, "line 2", "column 'date_start'", "found '２０２３'", "a real date"),
    ),
    Case(
        "a day the calendar does not have",  # the pattern took it, and the PDF edition then failed
        lambda r: edit(r, "data/site.yaml", 'date: "2026-11-22"', 'date: "2026-02-30"'),
        ("data/site.yaml", "line 7", "field 'date'", "found '2026-02-30', expected a real date"),
    ),
    Case(
        "a day the calendar does not have, unquoted",  # PyYAML's own date reading had ended in a traceback
        lambda r: edit(r, "data/site.yaml", 'date: "2026-11-22"', "date: 2026-02-30"),
        ("data/site.yaml", "line 7", "field 'date'", "found '2026-02-30', expected a real date"),
    ),
    Case(
        "a document dated a day that does not exist, unquoted",
        lambda r: edit(r, f"{DOC}/document.yaml", "date: null", "date: 2020-06-31"),
        (f"{DOC}/document.yaml", "line 13", "field 'date'", "found '2020-06-31', expected a real date"),
    ),
    Case(
        "a document dated a day that does not exist",
        lambda r: edit(r, f"{DOC}/document.yaml", "date: null", 'date: "2020-02-30"'),
        (f"{DOC}/document.yaml", "line 13", "field 'date'", "found '2020-02-30', expected a real date"),
    ),
    Case(
        "site address with a query",  # every absolute address would have carried it, the sitemap broken
        lambda r: edit(
            r,
            "data/site.yaml",
            "site_url: https://example.org/policy-pilots",
            "site_url: https://example.org/a?b=1&c=2",
        ),
        ("data/site.yaml", "line 21", "field 'site_url'", "without a query (?) or fragment (#)"),
    ),
    Case(
        "a character the font lacks in the site title",  # the site card's drawing had ended in a traceback
        lambda r: edit(r, "data/site.yaml", "title: Policy Pilots in China", "title: Policy Pilots in China 🎉"),
        ("data/site.yaml", "field 'title': 🎉 (U+1F389) cannot be drawn in the font of the site card"),
        found_late=True,
    ),
    Case(
        "a character the font lacks in a timeline label",  # named by its row, not matplotlib's line
        set_first_event("label", "Pilot 🎉 begins"),
        (
            "data/timelines/events.csv, line 2, column 'label': 🎉 (U+1F389), which the figures' font cannot draw",
            "draws it): remove it",
        ),
        found_late=True,
    ),
    Case(
        "a character the font lacks in a name a figure draws",  # the timeline's legend draws short titles
        lambda r: edit(r, f"{DOC}/document.yaml", 'short_title: "Wenling', 'short_title: "🎉 Wenling'),
        (
            "analyses/case_timelines.py",
            "figure 'case-timelines-combined': the name it draws for document_id 'wenling-participatory-budgeting'",
            "has 🎉 (U+1F389), which the figures' font cannot draw",
        ),
        found_late=True,
    ),
    Case(
        "a document DOI that is not one",  # it had been linked as https://doi.org/not a doi
        lambda r: edit(
            r,
            "data/documents/return-migrant-entrepreneurship/document.yaml",
            'doi: "10.60027/',
            'doi: "not a doi 10.60027/',
        ),
        (
            "return-migrant-entrepreneurship/document.yaml",
            "line 14",
            "field 'doi'",
            "expected a DOI of the form 10.NNNN/suffix",
        ),
    ),
    Case(
        "a declared language the text does not have",  # the error had named analyses/keyword_frequencies.py
        lambda r: edit(
            r, "data/documents/lu-street-typical-experience/document.yaml", "languages: [en]", "languages: [zh, en]"
        ),
        (
            "lu-street-typical-experience/document.yaml, line 16: field 'languages': declares 'zh', but",
            "has no passage in it",
        ),
    ),
    Case(
        "a language declared twice",
        lambda r: edit(
            r, "data/documents/lu-street-typical-experience/document.yaml", "languages: [en]", "languages: [en, en]"
        ),
        ("lu-street-typical-experience/document.yaml", "line 16", "field 'languages'", "expected each language once"),
    ),
    Case(
        "a title of spaces alone",  # it had passed as non-empty: a blank option in the figures' filter
        lambda r: edit(r, f"{DOC}/document.yaml", 'short_title: "Wenling', 'short_title: " \u3000"\n# "Wenling'),
        (f"{DOC}/document.yaml", "line 30", "field 'short_title'", "expected a text with something to read"),
    ),
    Case(
        "YAML key given twice",
        lambda r: (r / DOC / "document.yaml").write_text(
            (r / DOC / "document.yaml").read_text(encoding="utf-8") + 'short_title: "Another"\n', encoding="utf-8"
        ),
        (f"{DOC}/document.yaml", "line 38", "key 'short_title' is given twice (first on line 30)"),
    ),
    Case(
        "UTF-16 without a BOM",
        lambda r: (r / EVENTS).write_bytes((r / EVENTS).read_text(encoding="utf-8").encode("utf-16-le")),
        (EVENTS, "line 1", "not UTF-8 text (it looks like UTF-16: save it as UTF-8)"),
    ),
    Case(
        "user-dictionary tag jieba would not read",
        lambda r: edit(r, "data/lexicon/userdict.txt", "三权分置 2000 n", "三权分置 2000 N"),
        ("data/lexicon/userdict.txt", "line 2", "lowercase part-of-speech tag", "三权分置 2000 N"),
    ),
    Case(
        "an English stopword in capitals",  # tokens are lower-cased: it had never applied
        lambda r: (r / "data/lexicon/stopwords-extra-en.txt").write_text(
            (r / "data/lexicon/stopwords-extra-en.txt").read_text(encoding="utf-8") + "Pilot\n", encoding="utf-8"
        ),
        ("data/lexicon/stopwords-extra-en.txt", "'Pilot' has capitals", "write 'pilot'"),
    ),
    Case(
        "codebook pattern that matches the empty string",
        lambda r: edit(r, "data/codebook/policy-tools.yaml", '"电商"', '"(电商)?"'),
        ("data/codebook/policy-tools.yaml", "line ", "'(电商)?' matches the empty string", "every sentence"),
    ),
    Case(
        "codebook pattern that matches where there is no text",  # \B: it had coded every sentence
        lambda r: edit(r, "data/codebook/policy-tools.yaml", '"电商"', '"电商|\\\\B"'),
        ("data/codebook/policy-tools.yaml", "line ", "'电商|\\B' can match where there is no text", "every sentence"),
    ),
    Case(
        "codebook pattern that repeats a repeat",  # (.+)+: the build had hung coding a text it does not match
        lambda r: edit(r, "data/codebook/policy-tools.yaml", '"电商"', '"(.+)+电商某某"'),
        ("data/codebook/policy-tools.yaml", "line ", "'(.+)+电商某某' repeats a part that itself repeats"),
    ),
    Case(
        "invalid regular expression in the codebook",
        lambda r: edit(r, "data/codebook/policy-tools.yaml", '"电商"', '"电商("'),
        ("data/codebook/policy-tools.yaml", "line ", "e-commerce", "not a valid regular expression"),
    ),
    Case(
        "missing data file named by an analysis",
        lambda r: add_analysis(
            r,
            "missing_file.py",
            analysis("needs-missing-file", "def compute(inputs):\n    return None\n", f"{REPORTED}/no-such-table.csv"),
        ),
        ("analyses/missing_file.py", "no-such-table.csv, which does not exist"),
    ),
    Case(
        "analysis that raises",
        lambda r: add_analysis(
            r, "raises.py", analysis("raises", "def compute(inputs):\n    raise ValueError('boom')\n")
        ),
        ("analyses/raises.py", "figure 'raises' failed: ValueError: boom", "raises.py:"),
    ),
    Case(
        "figure with no output",
        lambda r: add_analysis(
            r,
            "empty.py",
            analysis(
                "empty-figure",
                "def compute(inputs):\n    inputs.reported(inputs.figure.inputs[0])\n    return pd.DataFrame()\n",
            ),
        ),
        ("analyses/empty.py", "figure 'empty-figure' produced no data rows"),
    ),
    Case(
        "two failing figures, both reported",
        lambda r: (
            add_analysis(r, "raises.py", analysis("raises", "def compute(inputs):\n    raise ValueError('boom')\n")),
            add_analysis(
                r,
                "empty.py",
                analysis(
                    "empty-figure",
                    "def compute(inputs):\n    inputs.reported(inputs.figure.inputs[0])\n    return pd.DataFrame()\n",
                ),
            ),
        ),
        ("figure 'raises' failed: ValueError: boom", "figure 'empty-figure' produced no data rows"),
    ),
    Case(
        "analysis with a syntax error",
        lambda r: add_analysis(r, "broken.py", "def figures(catalog:\n"),
        ("analyses/broken.py", "line 1", "cannot be imported", "SyntaxError"),
    ),
    Case("200 MB text file", big_sparse_file, (f"{DOC}/text.md", "200.0 MB", "refused")),
    Case(
        "several mistakes in several files, all reported in one run",
        lambda r: (swap_first_share("150")(r), set_first_event("date_start", "2019/05")(r)),
        (TOOL_TYPES, "found '150'", EVENTS, "found '2019/05'"),
    ),
]


@pytest.fixture(scope="module")
def project(built_project, tmp_path_factory) -> Path:
    root = copy_built(built_project, tmp_path_factory.mktemp("bad-inputs") / "project")
    yield root
    discard(root.parent)


def restore(root: Path, backup: Path) -> None:
    for name in ("data", "analyses"):
        shutil.rmtree(root / name)
        shutil.copytree(backup / name, root / name)


def state_of(root: Path) -> tuple[dict, dict]:
    return tree_hashes(root / "_site"), tree_hashes(root / ".build/cache")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_reported_and_nothing_is_touched(project, tmp_path, case):
    backup = tmp_path / "backup"
    for name in ("data", "analyses"):
        shutil.copytree(project / name, backup / name)
    before = state_of(project)
    try:
        case.mutate(project)
        result = run_build(project, check=False)
        output = result.stdout + result.stderr
        assert result.returncode == case.exit_code, output
        for words in case.expected:
            assert words in output, f"{words!r} not in:\n{output}"
        assert "Traceback" not in output
        if case.exit_code != 0:
            assert "the published site was not changed" in result.stderr
            site, cache = state_of(project)
            if case.found_late:
                assert site == before[0] and cache.keys() >= before[1].keys(), "a failed build removed a cache entry"
            else:
                assert (site, cache) == before, "a failed build changed the site or the cache"
    finally:
        restore(project, backup)
        if case.exit_code == 0:
            run_build(project)  # back to the site of the unedited data for the next case
    assert not MARKER.exists(), "a YAML tag was executed"


def test_yaml_is_read_as_pyyaml_reads_it_and_refused_with_its_messages(monkeypatch):
    """parse_yaml and key_lines take libyaml's parser, for speed: for every YAML file of the project
    they give what PyYAML's own parser gives, and for a broken text, its message and line."""
    import yaml

    from conftest import ROOT
    from pilotsite.errors import BuildError
    from pilotsite.inputs import schemas

    assert schemas.FAST_LOADER is yaml.CSafeLoader  # PyYAML's wheels come with libyaml: else nothing is faster

    def read(text: str) -> tuple[object, dict]:
        try:
            return schemas.parse_yaml(text, "x.yaml"), schemas.key_lines(text)
        except BuildError as error:
            return [(p.message, p.line) for p in error.problems], {}

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data").rglob("*.yaml"))]
    texts += ["a: [1, 2\nb: 3\n", "a: 1\n\tb: 2\n", "a: !!python/object/apply:os.system [ls]\n", "a: 'open\n"]
    fast = [read(text) for text in texts]
    monkeypatch.setattr(schemas, "FAST_LOADER", yaml.SafeLoader)
    assert fast == [read(text) for text in texts]
    assert all(isinstance(messages, list) for messages, _ in fast[-4:])  # each broken text refused


def test_a_value_with_an_unquoted_colon_is_refused_with_how_to_write_it():
    """A title such as 海南: 试点 报告 is the commonest YAML mistake in a document.yaml; libyaml's
    message ("mapping values are not allowed here") did not say what was expected."""
    from pilotsite.errors import BuildError
    from pilotsite.inputs import schemas

    with pytest.raises(BuildError) as refused:
        schemas.parse_yaml("id: hainan\ntitle: 海南: 试点 报告: 初稿\n", "document.yaml")
    [problem] = refused.value.problems
    assert (problem.message, problem.line) == (
        "not valid YAML: mapping values are not allowed here (a key or value holding ': ' must be quoted: "
        'title: "海南: 试点")',
        2,
    )


def test_a_key_cut_by_an_unquoted_comment_sign_is_named_on_its_own_line():
    """A catalogue key naming a value such as "No. #5 Bureau": ' #' begins a comment, so YAML read
    the key "…No." and stopped at the next line, which it named ("could not find expected ':'")."""
    from pilotsite.errors import BuildError
    from pilotsite.inputs import schemas

    text = "nav.figures: Figures\ncorpus.value.Issuing Body.No. #5 Bureau: Bureau 5\nnav.data: Data\n"
    with pytest.raises(BuildError) as refused:
        schemas.parse_yaml(text, "data/i18n/en.yaml")
    [problem] = refused.value.problems
    assert (problem.message, problem.line) == (
        "not valid YAML: could not find expected ':' (' #' starts a comment: a key or value holding it must be quoted)",
        2,
    )
    quoted = text.replace("corpus.value.Issuing Body.No. #5 Bureau", "'corpus.value.Issuing Body.No. #5 Bureau'")
    assert schemas.parse_yaml(quoted, "data/i18n/en.yaml")["corpus.value.Issuing Body.No. #5 Bureau"] == "Bureau 5"


def test_an_unquoted_date_is_the_date_as_written(tmp_path, monkeypatch):
    """`date: 2024-12-01` means what `date: "2024-12-01"` does. PyYAML made it a Python date, which
    the date fields (text) refused as "found datetime.date(2024, 12, 1), expected a text"."""
    import yaml

    from conftest import ROOT
    from pilotsite.errors import BuildError
    from pilotsite.inputs import schemas

    written = (ROOT / DOC / "document.yaml").read_text(encoding="utf-8").replace("date: null", "date: 2024-12-01")
    assert "date: 2024-12-01" in written
    (tmp_path / "document.yaml").write_text(written, encoding="utf-8")
    for loader in (schemas.FAST_LOADER, yaml.SafeLoader):
        monkeypatch.setattr(schemas, "FAST_LOADER", loader)
        assert schemas.validate(schemas.DocumentMeta, tmp_path / "document.yaml", "document.yaml").date == "2024-12-01"
        assert schemas.parse_yaml("a: 2024-12-01 10:00:00\nb: [2024-1-5]\n", "x.yaml") == {
            "a": "2024-12-01 10:00:00",
            "b": ["2024-1-5"],
        }
        (tmp_path / "document.yaml").write_text(written.replace("2024-12-01", "2024-13-01"), encoding="utf-8")
        with pytest.raises(BuildError) as refused:
            schemas.validate(schemas.DocumentMeta, tmp_path / "document.yaml", "document.yaml")
        assert [(p.message, p.line) for p in refused.value.problems] == [
            ("field 'date': found '2024-13-01', expected a date YYYY, YYYY-MM or YYYY-MM-DD", 13)
        ]
        (tmp_path / "document.yaml").write_text(written, encoding="utf-8")


def test_a_document_dated_by_its_year_alone_unquoted_or_with_no_year_field_has_that_year(tmp_path):
    """`date: 2019` unquoted is a YAML number: it was refused ("found 2019, expected a text"),
    though the README says a date is read as written, quoted or not. And a document giving `date`
    but no `year` lost its year in its byline and in every citation of its figures."""
    import re
    from dataclasses import replace

    from conftest import ROOT
    from pilotsite.inputs import schemas
    from pilotsite.inputs.documents import load_documents
    from pilotsite.inputs.interface import load_interface
    from pilotsite.inputs.project import open_project
    from pilotsite.pages.model import byline

    written = (ROOT / DOC / "document.yaml").read_text(encoding="utf-8")
    written = re.sub(r"(?m)^year: .*\n", "", written).replace("date: null", "date: 2019")
    assert "date: 2019\n" in written and "year:" not in written
    (tmp_path / "document.yaml").write_text(written, encoding="utf-8")
    meta = schemas.validate(schemas.DocumentMeta, tmp_path / "document.yaml", "document.yaml")
    assert (meta.date, meta.year) == ("2019", None)
    document = load_documents(open_project(ROOT))[DOC.rsplit("/", 1)[-1]]
    for date in ("2019", "2019-05", "2019-05-01"):
        undated = replace(document, meta=document.meta | {"year": None, "date": date})
        assert undated.year == "2019" and undated.reference.endswith("(2019)"), undated.reference
        assert byline(load_interface(ROOT), undated).split(" · ")[1] == "2019"
    assert replace(document, meta=document.meta | {"year": None, "date": None}).year == ""


@pytest.mark.untraced
def test_debug_shows_the_traceback(project, tmp_path):
    backup = tmp_path / "backup"
    shutil.copytree(project / "data", backup / "data")
    shutil.copytree(project / "analyses", backup / "analyses")
    try:
        swap_first_share("150")(project)
        result = run_build(project, "--debug", check=False)
        # the exit status is bad input's, as without --debug (it had become 1, --check's "differs")
        assert result.returncode == 2 and "Traceback" in result.stderr and "found '150'" in result.stderr
    finally:
        restore(project, backup)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_ctrl_c_or_kill_during_the_build_changes_nothing_and_leaves_no_process(project, tmp_path, stop):
    import psutil

    backup = tmp_path / "backup"
    shutil.copytree(project / "data", backup / "data")
    shutil.copytree(project / "analyses", backup / "analyses")
    before_site = tree_hashes(project / "_site")
    try:
        edit_line(project, TOOL_TYPES, 2, lambda line: line.replace("Results", "Results (interrupted)", 1))
        process = subprocess.Popen(
            [sys.executable, "build.py"],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=interruptible,
        )
        deadline = time.monotonic() + 60
        for line in process.stdout:
            if "drawing" in line or time.monotonic() > deadline:
                break
        workers = psutil.Process(process.pid).children(recursive=True)
        process.send_signal(stop)
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 130 and "Interrupted; the published site was not changed." in stderr
        assert "Traceback" not in stderr
        _, alive = psutil.wait_procs(workers, timeout=30)
        assert not alive, f"{len(alive)} of the build's {len(workers)} processes still run"
        assert tree_hashes(project / "_site") == before_site
    finally:
        restore(project, backup)
    assert os.environ.get("PILOTSITE_TOKEN_CACHE")  # the shared token cache is never this project's


def test_an_editors_lock_files_and_hidden_folders_are_not_inputs(project_copy):
    # Emacs keeps .#events.csv, a link to nothing, while events.csv has unsaved edits; Jupyter
    # leaves .ipynb_checkpoints/ folders: every build had failed on them ("a file vanished …").
    from pilotsite.inputs.corpus import load_corpora
    from pilotsite.inputs.documents import load_documents
    from pilotsite.inputs.project import open_project
    from pilotsite.state.workspace import input_files

    (project_copy / "data/timelines/.#events.csv").symlink_to("root@host.1234:1700000000")
    checkpoints = project_copy / "data/documents/.ipynb_checkpoints"
    checkpoints.mkdir()
    (checkpoints / "text-checkpoint.md").write_text("# draft\n", encoding="utf-8")
    corpus = project_copy / "data/corpora/cn-regulations-sample"
    (corpus / ".#notes.md").symlink_to("root@host.1234:1700000000")
    files = input_files(project_copy)
    assert "data/timelines/events.csv" in files and not any("/." in label for label in files)
    project = open_project(project_copy)
    assert ".ipynb_checkpoints" not in load_documents(project)
    assert load_corpora(project)  # no "text file has no row" for the lock file


def test_a_span_may_end_with_a_coarser_date_but_not_before_it_starts(project_copy):
    # "December 2017, and through that year": 2017-12 to 2017 runs to 2017-12-31
    from pilotsite.errors import BuildError
    from pilotsite.inputs.documents import load_documents
    from pilotsite.inputs.project import open_project
    from pilotsite.inputs.timelines import load_events

    row = "return-home-pilot-areas-341-end-2017,return-migrant-entrepreneurship,2017-12,2017-12,"
    for end, error in (("2017", ""), ("2017-12-31", ""), ("2016", "date_end 2016 is before date_start 2017-12")):
        edit(project_copy, EVENTS, row, row.replace(",2017-12,2017-12,", f",2017-12,{end},"))
        project = open_project(project_copy)
        if error:
            with pytest.raises(BuildError, match=error):
                load_events(project, load_documents(project))
        else:
            events = load_events(project, load_documents(project))
            assert end in set(events["date_end"])
        edit(project_copy, EVENTS, row.replace(",2017-12,2017-12,", f",2017-12,{end},"), row)


def test_a_document_doi_given_as_an_address_is_cited_bare(project_copy):
    # a link had become https://doi.org/https://doi.org/…, and DataCite's relatedIdentifier the address
    from pilotsite.inputs.documents import load_documents
    from pilotsite.inputs.project import open_project

    path = "data/documents/return-migrant-entrepreneurship/document.yaml"
    edit(project_copy, path, 'doi: "10.60027/', 'doi: "https://doi.org/10.60027/')
    documents = load_documents(open_project(project_copy))
    assert documents["return-migrant-entrepreneurship"].meta["doi"] == "10.60027/ijsasr.2024.3574"


def test_a_document_doi_given_as_an_address_with_percent_escapes_is_decoded_once(project_copy):
    # A SICI DOI holds < and >, which its doi.org address writes %3C and %3E: kept as they were,
    # the page's link had encoded the % again (%253C), an address the resolver does not know.
    from pilotsite.inputs.documents import load_documents
    from pilotsite.inputs.project import open_project
    from pilotsite.inputs.schemas import doi_url

    sici = "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O"
    address = "https://doi.org/10.1002/(SICI)1097-4571(199806)49:8%3C693::AID-ASI4%3E3.0.CO;2-O"
    path = "data/documents/return-migrant-entrepreneurship/document.yaml"
    edit(project_copy, path, 'doi: "10.60027/ijsasr.2024.3574"', f'doi: "{address}"')
    doi = load_documents(open_project(project_copy))["return-migrant-entrepreneurship"].meta["doi"]
    assert doi == sici
    assert doi_url(doi) == address


def test_a_quote_may_cross_a_line_break_inside_a_paragraph_as_the_page_shows_it(project_copy):
    # A hand-wrapped text.md: the page joins a paragraph's lines with a space, and so is the quote
    # checked; no spelling of it had been accepted.
    from pilotsite.errors import BuildError
    from pilotsite.inputs.documents import load_documents
    from pilotsite.inputs.project import open_project
    from pilotsite.inputs.timelines import load_stages

    text = "data/documents/lu-street-typical-experience/text.md"
    edit(project_copy, text, "learning from the experiences", "learning from the\nexperiences")
    project = open_project(project_copy)
    stages = load_stages(project, load_documents(project))
    assert any("learning from the experiences" in quote for quote in stages["quote"])
    path = project_copy / "data/timelines/stages.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows = [
        [cell.replace("learning from the experiences", "learning from the\nexperiences") for cell in row]
        for row in rows
    ]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    with pytest.raises(BuildError, match=f"quote crosses a line break of {text}"):
        load_stages(project, load_documents(project))


def test_a_table_no_figure_reads_is_named_in_a_warning(project_copy):
    # a table for a document no analysis draws, a timeline split into a file of its own: checked,
    # then shown nowhere, without a word
    from pilotsite.figures.figure import discover_all
    from pilotsite.pipeline import load_catalog, unread_tables

    shutil.copy(project_copy / EVENTS, project_copy / "data/timelines/events-2024.csv")
    figures, _ = discover_all(load_catalog(project_copy, None, None, 1, ""))
    assert unread_tables(project_copy, figures) == ["data/timelines/events-2024.csv"]
    assert TOOL_TYPES in unread_tables(project_copy, [f for f in figures if TOOL_TYPES not in f.inputs])


def test_a_column_no_loader_reads_is_named_in_a_warning(project_copy):
    # a reported table or timeline with a column of the maintainer's own (a note, a page number):
    # dropped without a word, as if it would show somewhere
    from pilotsite.pipeline import load_catalog, unread_columns

    assert unread_columns(load_catalog(project_copy, None, None, 1, "")) == []
    for path, column in ((project_copy / TOOL_TYPES, "page"), (project_copy / EVENTS, "note")):
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        rows = [row + [column if n == 0 else "x"] for n, row in enumerate(rows)]
        with open(path, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
    found = unread_columns(load_catalog(project_copy, None, None, 1, ""))
    assert found == [(EVENTS, ["note"]), (TOOL_TYPES, ["page"])]


def test_a_process_labelled_two_ways_is_named_with_the_line(project_copy):
    # the timeline names a process once: a second label had been dropped without a word
    from pilotsite.errors import BuildError
    from pilotsite.inputs.documents import load_documents
    from pilotsite.inputs.project import open_project
    from pilotsite.inputs.timelines import load_stages

    label = "M County homestead pilot: from achievement deficit to complementation"
    edit(project_copy, "data/timelines/stages.csv", f"{label},2,", "M County pilot,2,")
    project = open_project(project_copy)
    with pytest.raises(BuildError) as raised:
        load_stages(project, load_documents(project))
    assert [str(p) for p in raised.value.problems] == [
        "data/timelines/stages.csv, line 3, column 'process_label': process 'm-county-pilot-trajectory' is labelled "
        f"'M County pilot' here and '{label}' on line 2: give every step of a process one label"
    ]


def test_codebook_patterns_that_would_code_every_sentence_or_never_finish_are_refused():
    from pilotsite.inputs.schemas import valid_regex

    for fine in ("(ab)+", "简化.{0,6}(手续|程序)", "(?>a+)+b", "(a{1,3})+b", r"\b试点", "(a|b)+c"):
        assert valid_regex(fine) == fine
    for empty in (r"\B", "(?=.)", r"\b", "(?<=点)"):
        with pytest.raises(ValueError, match="can match where there is no text"):
            valid_regex(empty)
    for nested in ("(a*)*b", "(a+b?)+c", "(?:x|(y+))+z"):
        with pytest.raises(ValueError, match="repeats a part that itself repeats without bound"):
            valid_regex(nested)


def test_a_quote_not_found_is_shown_whole_or_marked_as_cut_with_where_it_stops_matching():
    """The message had cut the quote at 80 characters without saying so, showing only text the
    document has: the difference, past character 80, never appeared. It says what the document
    has instead, and names the two characters where they part (a second space, a full-width
    comma and a non-breaking space look like what the document has)."""
    from pilotsite.errors import shown
    from pilotsite.inputs.documents import Block, Document
    from pilotsite.inputs.timelines import where_it_differs

    paragraphs = [
        "Western policy innovation and diffusion theory, represented by the United States in the late 1960s, spread.",
        "试点，然后推广。",
        "The end",
    ]
    doc = Document("d", {}, "\n\n".join(paragraphs), tuple(Block("paragraph", p, "en") for p in paragraphs), "d")
    quote = "Western policy innovation and diffusion theory, represented by the United States in the late  1960s"
    said = where_it_differs(doc, quote)
    assert said == (
        '; the document has its first 93 characters, then not " 1960s" but "1960s, spread." '
        "(U+0031 DIGIT ONE, not U+0020 SPACE)"
    ), said
    assert where_it_differs(doc, "试点,然后") == (
        '; the document has its first 2 characters, then not ",然后" but "，然后推广。" '
        "(U+FF0C FULLWIDTH COMMA, not U+002C COMMA)"
    )
    assert (
        where_it_differs(doc, "The end.")
        == '; the document has its first 7 characters, then not ".": its paragraph ends there'
    )
    assert where_it_differs(doc, "Eastern") == "; the document has no passage that begins as it does"
    assert shown("x" * 120) == "x" * 120 and shown("x" * 121) == "x" * 119 + "…"
    # a line break of a value would start a line that reads as another problem
    assert shown("learning from the\nexperiences\r\n") == "learning from the\\nexperiences\\r\\n"


def test_every_problem_of_a_timeline_or_reported_table_is_named_in_one_run(project_copy):
    """A file's cell problems, its quotes not found, and its rows' own checks (date_text, spans,
    steps, the numbers a quote must hold) were reported one kind per run: three builds to see
    what one edit had broken. Rows with a bad cell are left out of the later checks."""
    from pilotsite.errors import BuildError
    from pilotsite.inputs.documents import load_documents
    from pilotsite.inputs.project import open_project
    from pilotsite.inputs.reported import load_reported
    from pilotsite.inputs.timelines import load_events, load_stages

    events = project_copy / EVENTS
    lines = events.read_text(encoding="utf-8").split("\n")
    lines[1] = lines[1].replace(",1967,1969,", ",,1969,")  # line 2: no date_start
    lines[2] = lines[2].replace("the central level issued", "the centre issued")  # line 3: a quote not found
    lines[3] = lines[3].replace(",true,the end of 2017,", ",true,the close of 2017,")  # line 4: date_text
    lines[4] = lines[4].replace(",2023,2023,", ",2023,2022,", 1)  # line 5: a span ending before it starts
    events.write_text("\n".join(lines), encoding="utf-8")
    project = open_project(project_copy)
    documents = load_documents(project)
    with pytest.raises(BuildError) as raised:
        load_events(project, documents)
    found = [(p.line, p.column) for p in raised.value.problems]
    assert found == [(2, "date_start"), (3, "quote"), (4, "date_text"), (5, "date_end")], found
    assert "found 'the close of 2017', which the quote does not hold" in str(raised.value)
    stages = project_copy / "data/timelines/stages.csv"
    text = stages.read_text(encoding="utf-8")
    stages.write_text(text.replace("complementation,4,", "complementation,5,").replace(",1,Learning", ",x,Learning"))
    with pytest.raises(BuildError) as raised:
        load_stages(project, documents)
    messages = [str(p) for p in raised.value.problems]
    assert any("column 'step'" in m for m in messages) and any("steps must run 1..4" in m for m in messages), messages
    table = project_copy / f"{REPORTED}/tool-types.csv"
    rows = table.read_text(encoding="utf-8").split("\n")
    rows[1] = rows[1].replace(",50.82,", ",50,82,")  # a decimal comma: a field too many
    rows[2] = rows[2].replace(",23.7,", ",23.8,")  # a number its quote does not hold
    rows[3] = rows[3].replace("accounted for 25.47%", "made up 25.47%")  # a quote not found
    table.write_text("\n".join(rows), encoding="utf-8")
    with pytest.raises(BuildError) as raised:
        load_reported(project, documents)
    found = [(p.line, p.column) for p in raised.value.problems if p.file.endswith("tool-types.csv")]
    assert [line for line, _ in found] == [2, 3, 4], raised.value.problems
    # a table of its header alone is named as the data's problem (the analysis said it produced no rows)
    table.write_text(rows[0] + "\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"tool-types.csv, line 1: has a header but no rows"):
        load_reported(project, documents)


def test_a_label_holding_a_line_break_is_named_at_its_row(project_copy):
    """A label pasted from a PDF with a line break was drawn on one line and shown folded, so a
    version was published for a change no reader could see."""
    from pilotsite.errors import BuildError
    from pilotsite.inputs.documents import load_documents
    from pilotsite.inputs.project import open_project
    from pilotsite.inputs.timelines import load_events, load_stages

    edit(
        project_copy,
        EVENTS,
        ",Central level issues 142 entrepreneurship documents,",
        ',"Central level issues\n142 documents",',
    )
    stages = "data/timelines/stages.csv"
    edit(
        project_copy, stages, ",Planning and implementation by elites,", ',"Planning and\r\nimplementation by elites",'
    )
    project = open_project(project_copy)
    documents = load_documents(project)
    for load, where in (
        (load_events, f"{EVENTS}, line 3, column 'label'"),
        (load_stages, f"{stages}, line 10, column 'label'"),
    ):
        with pytest.raises(BuildError) as raised:
            load(project, documents)
        assert [str(p) for p in raised.value.problems] == [f"{where}: holds a line break: write the label on one line"]


def test_events_of_the_same_dates_keep_the_order_the_file_gives_them(project_copy):
    """Two events of one day were ordered by their ids: "funds allocated the same day" drawn
    before the launch it follows."""
    from pilotsite.inputs.documents import load_documents
    from pilotsite.inputs.project import open_project
    from pilotsite.inputs.timelines import load_events

    events = project_copy / EVENTS
    lines = events.read_text(encoding="utf-8").rstrip("\n").split("\n")
    later = lines[3].replace("return-home-pilot-areas-341-end-2017", "a-same-day-event", 1)
    events.write_text("\n".join([*lines, later]) + "\n", encoding="utf-8")
    project = open_project(project_copy)
    ids = list(load_events(project, load_documents(project))["event_id"])
    assert ids.index("return-home-pilot-areas-341-end-2017") + 1 == ids.index("a-same-day-event"), ids


def test_a_bad_cell_does_not_hide_the_other_problems_of_its_row(project_copy):
    """A row with a bad cell was left out of its table's own checks (quotes, dates, steps), so its
    other problems came to light only once the cell was mended, one build later. Each check now
    runs on the rows whose cells it reads are sound: a stage's label broken across lines no
    longer says its process lacks a step either."""
    from pilotsite.errors import BuildError
    from pilotsite.inputs.documents import load_documents
    from pilotsite.inputs.project import open_project
    from pilotsite.inputs.reported import load_reported
    from pilotsite.inputs.timelines import load_events, load_stages

    edit(project_copy, EVENTS, "2008-09,2017-12,false,From September", "2008-13,2017-12,false,Since September")
    edit(project_copy, EVENTS, "the central level issued 142", "the central level issued 143")
    edit(project_copy, TOOL_TYPES, "supply,50.82,", "supply,50.8x,")
    edit(project_copy, TOOL_TYPES, "as high as 50.82% of", "as much as 50.82% of")
    stages = "data/timelines/stages.csv"
    edit(project_copy, stages, ",2,Governments adapt the operational", ",2,Governments adapt\x07 the operational")
    project = open_project(project_copy)
    documents = load_documents(project)
    said = {}
    for load in (load_events, load_stages, load_reported):
        with pytest.raises(BuildError) as raised:
            load(project, documents)
        said[load.__name__] = [str(p) for p in raised.value.problems]
    [date, date_text, quote] = said["load_events"]  # on a line, by column
    assert date.startswith(f"{EVENTS}, line 3, column 'date_start': found '2008-13'"), date
    assert date_text.startswith(f"{EVENTS}, line 3, column 'date_text': found 'Since September"), date_text
    assert quote.startswith(f"{EVENTS}, line 3, column 'quote': quote not found verbatim"), quote
    [share, quote] = said["load_reported"]
    assert share.startswith(f"{TOOL_TYPES}, line 2, column 'share_pct': found '50.8x'"), share
    assert quote.startswith(f"{TOOL_TYPES}, line 2, column 'quote': quote not found verbatim"), quote
    [control] = said["load_stages"]  # and not "steps must run 1..n"
    assert control.startswith(f"{stages}, line 3, column 'label': contains a control character (U+0007)"), control
    # a step that is no number, a duplicate step: the process's steps are checked once every row
    # is sound, not said to lack the row left out
    edit(project_copy, stages, ",2,Governments adapt\x07 the operational", ",2x,Governments adapt the operational")
    with pytest.raises(BuildError) as raised:
        load_stages(open_project(project_copy), documents)
    [problem] = [str(p) for p in raised.value.problems]
    assert problem.startswith(f"{stages}, line 3, column 'step': found '2x'"), problem
    edit(project_copy, stages, ",2x,Governments adapt the operational", ",1,Governments adapt the operational")
    with pytest.raises(BuildError) as raised:
        load_stages(open_project(project_copy), documents)
    [problem] = [str(p) for p in raised.value.problems]
    assert problem.startswith(f"{stages}, line 3: duplicate process_id/step 'm-county-pilot-trajectory/1'"), problem
