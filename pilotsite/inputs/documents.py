"""The source documents: data/documents/<doc-id>/document.yaml + text.md."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

from pilotsite.errors import BuildError, Problem, relative
from pilotsite.inputs.interface import LANGUAGES as EDITIONS_LANGUAGES
from pilotsite.inputs.interface import Translated
from pilotsite.inputs.project import Project
from pilotsite.inputs.reading import read_utf8
from pilotsite.inputs.schemas import SLUG_EXPECTED, is_id

LANGUAGES = ("zh", "en")  # what a document's text may be written in (EDITIONS_LANGUAGES: the site's editions)
# Han characters: the CJK unified ideographs with their extensions, and the compatibility ones;
# what Chinese is, to the language of a text, to the marking of runs and to search's words (the
# search page's site/assets/query-words.js matches the same ranges).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
HAN_CHARACTER = re.compile(f"[{HAN}]")


@dataclass(frozen=True)
class Block:
    """One heading, paragraph or list item of a document's text."""

    kind: str  # "heading" | "paragraph" | "item"
    text: str
    lang: str  # "zh" | "en"


TRANSLATED_FIELDS = ("short_title", "summary")  # besides the title: given as <field>_<language> in document.yaml


@dataclass(frozen=True)
class Document:
    id: str
    meta: dict[str, Any]  # DocumentMeta.model_dump(), with the edition's translations (in_language)
    text: str
    blocks: tuple[Block, ...]
    folder: str  # relative to the project root, e.g. data/documents/<id>
    # In an edition (in_language): the fields shown in another language than the edition's, for
    # want of a translation in document.yaml, and the language of the summary shown
    untranslated: tuple[str, ...] = ()
    summary_lang: str = "en"

    def in_language(self, language: str) -> Document:
        """The document as an edition in the language shows it: its title, short title and summary
        in that language where document.yaml has them (title_<language>, …), else as they are,
        listed in untranslated. The reference language's edition shows the fields themselves
        (translating only a title written in another language)."""
        meta, untranslated = dict(self.meta), []
        title = meta.get(f"title_{language}")
        if title:
            meta["title"] = title
        elif language_of(meta["title"]) != language:
            untranslated.append("title")
        if language == EDITIONS_LANGUAGES[0]:
            return replace(self, meta=meta, untranslated=tuple(untranslated))
        for field in TRANSLATED_FIELDS:
            if meta.get(f"{field}_{language}"):
                meta[field] = meta[f"{field}_{language}"]
            else:
                untranslated.append(field)
        return replace(
            self,
            meta=meta,
            untranslated=tuple(untranslated),
            summary_lang=language if "summary" not in untranslated else EDITIONS_LANGUAGES[0],
        )

    def has_passage(self, quote: str) -> bool:
        """Whether the text, as its page shows it, has the quote within one paragraph, heading or
        item: where a page can highlight it (a line break inside a paragraph reads as a space)."""
        return any(quote in block.text for block in self.blocks)

    def text_after(self, beginning: str) -> str | None:
        """What the text goes on with after a passage that has `beginning`, within its paragraph,
        heading or item (the first such passage that goes on at all): "" where every one ends
        there, None where none has it."""
        ends = None
        for block in self.blocks:
            start = block.text.find(beginning)
            while start >= 0:
                after = block.text[start + len(beginning) :]
                if after:
                    return after
                ends = ""
                start = block.text.find(beginning, start + 1)
        return ends

    @property
    def title(self) -> str:
        return cast(str, self.meta["title"])  # DocumentMeta.title, a text

    @property
    def short_title(self) -> str:
        return cast(str, self.meta["short_title"])  # DocumentMeta.short_title, a text

    @property
    def short_titles(self) -> Translated:
        """The short title in each language document.yaml gives it (short_title, short_title_zh, …)."""
        return Translated(
            ((EDITIONS_LANGUAGES[0], self.meta["short_title"]),)
            + tuple(
                (language, self.meta[f"short_title_{language}"])
                for language in EDITIONS_LANGUAGES[1:]
                if self.meta.get(f"short_title_{language}")
            )
        )

    @property
    def languages(self) -> list[str]:
        return list(self.meta["languages"])

    @property
    def text_path(self) -> str:
        return f"{self.folder}/text.md"

    @property
    def meta_path(self) -> str:
        return f"{self.folder}/document.yaml"

    @property
    def year(self) -> str:
        """The year of publication: `year`, else the year of `date` (a document may give either);
        "" where it gives neither."""
        return str(self.meta.get("year") or (self.meta.get("date") or "")[:4])

    @property
    def reference(self) -> str:
        """A short reference: 'Fan Yu et al. (2024)', or the short title when no author is stated."""
        authors: list[str] = self.meta.get("authors") or []
        year = self.year
        if not authors:
            return self.short_title + (f" ({year})" if year else "")
        name = authors[0] + (" et al." if len(authors) > 2 else f" & {authors[1]}" if len(authors) == 2 else "")
        return name + (f" ({year})" if year else "")

    def text_in(self, lang: str) -> str:
        """The document's text restricted to blocks in one language."""
        return "\n".join(block.text for block in self.blocks if block.lang == lang)


def language_of(text: str) -> str:
    """'zh' when a passage is mostly Chinese characters, else 'en'."""
    letters = sum(ch.isalpha() for ch in text)
    return "zh" if letters and len(HAN_CHARACTER.findall(text)) / letters > 0.3 else "en"


# CommonMark's rules, for the blocks text.md has: an ATX heading is one line of one to six # and a
# space (#1 starts a paragraph); a "- " item may follow a paragraph line directly, and its
# following lines (indented or not) continue it until a blank line, a heading or the next item.
HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+|$)")
CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
ITEM = re.compile(r"^ {0,3}- ")


def parse_blocks(text: str) -> tuple[Block, ...]:
    """Split the simple Markdown of text.md into blocks: '## ' headings, '- ' items, paragraphs.
    A block's lines are joined by a space, as a browser shows a line break inside a paragraph."""
    blocks = []
    kind = ""
    lines: list[str] = []

    def close() -> None:
        nonlocal kind, lines
        if lines:
            body = " ".join(lines)
            blocks.append(Block(kind, body, language_of(body)))
        kind, lines = "", []

    for raw in text.strip().split("\n"):
        heading = HEADING.match(raw)
        if not raw.strip():
            close()
        elif heading:
            close()
            body = CLOSING_HASHES.sub("", raw[heading.end() :]).strip()
            if body:
                blocks.append(Block("heading", body, language_of(body)))
        elif ITEM.match(raw):
            close()
            kind, lines = "item", [raw.strip()[2:].strip()]
        else:
            kind = kind or "paragraph"
            lines.append(raw.strip())
    close()
    return tuple(blocks)


def load_document(project: Project, folder: Path) -> Document:
    from pilotsite.inputs.schemas import DocumentMeta, key_lines, validate

    label = relative(folder / "document.yaml", project.root)
    problems = []
    if not is_id(folder.name):
        problems.append(Problem(label, f"folder name '{folder.name}' is not {SLUG_EXPECTED}"))
    meta, written = None, ""
    try:
        written = read_utf8(folder / "document.yaml", label)
        meta = validate(DocumentMeta, folder / "document.yaml", label, written).model_dump()
    except BuildError as exc:
        problems += exc.problems  # and the text's own problems, in the same run

    def line_of(field: str) -> int | None:
        """Where a field is written, for the checks below that read more than the YAML (only
        asked once one fails: the file is valid, so it parses)."""
        return key_lines(written).get((field,))

    if meta is not None and meta["id"] != folder.name:
        problems.append(
            Problem(label, f"id '{meta['id']}' must equal the folder name '{folder.name}'", line=line_of("id"))
        )
    text_label = relative(folder / "text.md", project.root)
    try:
        text = read_utf8(folder / "text.md", text_label)
    except BuildError as exc:
        raise BuildError(problems + exc.problems) from None
    blocks = parse_blocks(text)
    if not text.strip():
        problems.append(Problem(text_label, "the document text is empty"))
    elif meta is not None:
        problems += [
            Problem(
                label,
                f"field 'languages': declares '{language}', but {text_label} has no passage in it (each "
                "declared language gets a keyword figure of its words)",
                line=line_of("languages"),
            )
            for language in meta["languages"]
            if not any(block.lang == language for block in blocks)
        ]
    if problems or meta is None:
        raise BuildError(problems)
    return Document(
        id=folder.name,
        meta=meta,
        text=text,
        blocks=blocks,
        folder=relative(folder, project.root),
    )


def document_folders(project: Project) -> list[Path]:
    """Every folder under data/documents holding a document.yaml, in id order."""
    # a hidden folder (.ipynb_checkpoints, an editor's) is not a document
    return sorted(
        p.parent for p in (project.data / "documents").glob("*/document.yaml") if not p.parent.name.startswith(".")
    )


def load_documents(project: Project, some_needed: bool = True) -> dict[str, Document]:
    """Load and validate every document; all problems are reported together. A site needs at
    least one; a deposit bundle (some_needed False) carries only those its figure reads, maybe none."""
    documents, problems = {}, []
    root = project.data / "documents"
    for folder in (
        sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")) if root.is_dir() else []
    ):
        if not (folder / "document.yaml").is_file() and any(folder.iterdir()):
            problems.append(
                Problem(
                    relative(folder / "document.yaml", project.root),
                    f"missing: the folder holds {', '.join(sorted(p.name for p in folder.iterdir()))} but no "
                    "document.yaml (to withdraw a document, delete its whole folder)",
                )
            )
    for folder in document_folders(project):
        try:
            doc = load_document(project, folder)
        except BuildError as exc:
            problems += exc.problems
            continue
        documents[doc.id] = doc
    if problems:
        raise BuildError(problems)
    if not documents and some_needed:
        raise BuildError([Problem("data/documents", "no documents found (expected <doc-id>/document.yaml)")])
    return documents
