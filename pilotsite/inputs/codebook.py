"""The policy-tool codebook (data/codebook/policy-tools.yaml) and sentence-level coding."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pilotsite.errors import BuildError, Problem
from pilotsite.inputs.interface import LANGUAGES, Translated, translations
from pilotsite.inputs.project import Project

if TYPE_CHECKING:
    from pilotsite.inputs.schemas import ToolTypeName

CODEBOOK = "data/codebook/policy-tools.yaml"
TYPES: tuple[ToolTypeName, ...] = ("supply", "demand", "environment")


@dataclass(frozen=True)
class SubTool:
    id: str
    label: str
    tool_type: ToolTypeName
    patterns: tuple[str, ...]
    regex: re.Pattern[str]
    labels: tuple[tuple[str, str], ...] = ()  # (language, label) for the other editions' pages, where given

    @property
    def name(self) -> Translated:
        """The label in every edition, as a Text's value (figures draw `label`: their data keep
        the codebook's words whatever edition shows them)."""
        return Translated(((LANGUAGES[0], self.label), *self.labels))

    def label_in(self, language: str) -> str:
        """The label as the edition of language names the sub-tool."""
        return self.name.of(language)

    def matches(self, sentence: str) -> bool:
        return self.regex.search(sentence) is not None

    @property
    def context_free(self) -> bool:
        """No anchors, word boundaries or lookarounds: a match inside a sentence is then a match
        inside any text that contains the sentence (conservative: [^…] counts as context)."""
        return not any(CONTEXT_SYNTAX.search(p) for p in self.patterns)


CONTEXT_SYNTAX = re.compile(r"\\[bBAZ]|[\^$]|\(\?<?[=!]")


def coded_sentences(tools: Iterable[SubTool], sentences: list[str]) -> Iterator[tuple[int, SubTool]]:
    """(sentence number from 1, sub-tool) for every sentence a sub-tool matches, sentence by
    sentence and in codebook order within one: the same as testing every pair, but a
    context-free sub-tool that matches nowhere in the text is not tried on its sentences."""
    joined = "\n".join(sentences)
    candidates = [t for t in tools if not t.context_free or t.regex.search(joined)]
    for number, sentence in enumerate(sentences, 1):
        for tool in candidates:
            if tool.matches(sentence):
                yield number, tool


def codebook_digest(project: Project) -> str:
    """What coded units depend on: the codebook file and the code that reads and applies it."""
    import hashlib
    from pathlib import Path

    return hashlib.sha256(project.path(CODEBOOK).read_bytes() + b"\0" + Path(__file__).read_bytes()).hexdigest()


def load_codebook(project: Project) -> tuple[SubTool, ...]:
    """The codebook, validated against schemas.Codebook (every pattern must compile)."""
    from pilotsite.inputs.schemas import Codebook, validate

    codebook = validate(Codebook, project.root / CODEBOOK, CODEBOOK)
    tools, problems = [], []
    for tool_type in TYPES:
        block = codebook.types.get(tool_type)
        if block is None:
            problems.append(Problem(CODEBOOK, f"type '{tool_type}' is missing; expected all of {', '.join(TYPES)}"))
            continue
        for sub_id, spec in block.sub_tools.items():
            tools.append(
                SubTool(
                    sub_id,
                    spec.label or sub_id,
                    tool_type,
                    tuple(spec.patterns),
                    re.compile("|".join(f"(?:{p})" for p in spec.patterns)),
                    translations(spec, "label"),
                )
            )
    ids = [t.id for t in tools]
    problems += [
        Problem(CODEBOOK, f"sub-tool id '{i}' is used twice") for i in sorted({i for i in ids if ids.count(i) > 1})
    ]
    if problems:
        raise BuildError(problems)
    return tuple(tools)
