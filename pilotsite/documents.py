"""The source documents: data/documents/<doc-id>/document.yaml + text.md."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError, Problem, relative
from .project import Project, load_yaml

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED_FIELDS = ("id", "title", "authors", "kind", "languages", "source_file", "short_title", "summary")
NON_EMPTY_FIELDS = ("id", "title", "kind", "languages", "source_file", "short_title", "summary")
LANGUAGES = ("zh", "en")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Block:
    """One heading, paragraph or list item of a document's text."""

    kind: str  # "heading" | "paragraph" | "item"
    text: str
    lang: str  # "zh" | "en"


@dataclass(frozen=True)
class Document:
    id: str
    meta: dict
    text: str
    blocks: tuple[Block, ...]
    folder: str  # relative to the project root, e.g. data/documents/<id>

    @property
    def title(self) -> str:
        return self.meta["title"]

    @property
    def short_title(self) -> str:
        return self.meta["short_title"]

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
    def reference(self) -> str:
        """A short reference: 'Fan Yu et al. (2024)', or the short title when no author is stated."""
        authors = self.meta.get("authors") or []
        year = self.meta.get("year")
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
    return "zh" if letters and len(CJK.findall(text)) / letters > 0.3 else "en"


def parse_blocks(text: str) -> tuple[Block, ...]:
    """Split the simple Markdown of text.md into blocks: '## ' headings, '- ' items, paragraphs."""
    blocks = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        for line in chunk.split("\n") if chunk.lstrip().startswith("- ") else [chunk]:
            line = line.strip()
            if not line:
                continue
            if line.startswith("#"):
                kind, body = "heading", line.lstrip("#").strip()
            elif line.startswith("- "):
                kind, body = "item", line[2:].strip()
            else:
                kind, body = "paragraph", " ".join(line.split("\n"))
            blocks.append(Block(kind, body, language_of(body)))
    return tuple(blocks)


def read_utf8(path: Path, label: str) -> str:
    """Read a UTF-8 text file (a BOM is accepted and dropped); errors give the byte offset."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BuildError([Problem(label, "file not found")]) from None
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        raise BuildError([Problem(label, f"not valid UTF-8 at byte offset {exc.start}")]) from None


def load_document(project: Project, folder: Path) -> Document:
    label = relative(folder / "document.yaml", project.root)
    meta = load_yaml(folder / "document.yaml", label)
    problems = []
    if not isinstance(meta, dict):
        raise BuildError([Problem(label, "expected a mapping of metadata fields")])
    problems += [Problem(label, f"missing field '{key}'") for key in REQUIRED_FIELDS if key not in meta]
    problems += [Problem(label, f"field '{key}' must not be empty") for key in NON_EMPTY_FIELDS if key in meta and not meta[key]]
    if meta.get("id") != folder.name:
        problems.append(Problem(label, f"id '{meta.get('id')}' must equal the folder name '{folder.name}'"))
    if not SLUG.match(folder.name):
        problems.append(Problem(label, f"folder name '{folder.name}' is not a slug (lowercase letters, digits, single hyphens)"))
    bad_langs = [lang for lang in meta.get("languages") or [] if lang not in LANGUAGES]
    if bad_langs or not meta.get("languages"):
        problems.append(Problem(label, f"languages must be a non-empty list of {LANGUAGES}, found {meta.get('languages')}"))
    if problems:
        raise BuildError(problems)
    text_label = relative(folder / "text.md", project.root)
    text = read_utf8(folder / "text.md", text_label)
    if not text.strip():
        raise BuildError([Problem(text_label, "the document text is empty")])
    return Document(
        id=folder.name,
        meta=meta,
        text=text,
        blocks=parse_blocks(text),
        folder=relative(folder, project.root),
    )


def document_folders(project: Project) -> list[Path]:
    """Every folder under data/documents holding a document.yaml, in id order."""
    return sorted(p.parent for p in (project.data / "documents").glob("*/document.yaml"))


def load_documents(project: Project) -> dict[str, Document]:
    """Load and validate every document; all problems are reported together."""
    documents, problems = {}, []
    for folder in document_folders(project):
        try:
            doc = load_document(project, folder)
        except BuildError as exc:
            problems += exc.problems
            continue
        documents[doc.id] = doc
    if problems:
        raise BuildError(problems)
    if not documents:
        raise BuildError([Problem("data/documents", "no documents found (expected <doc-id>/document.yaml)")])
    return documents
