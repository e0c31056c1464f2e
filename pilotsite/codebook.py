"""The policy-tool codebook (data/codebook/policy-tools.yaml) and sentence-level coding."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import BuildError, Problem
from .project import Project, load_yaml

CODEBOOK = "data/codebook/policy-tools.yaml"
TYPES = ("supply", "demand", "environment")


@dataclass(frozen=True)
class SubTool:
    id: str
    label: str
    tool_type: str
    patterns: tuple[str, ...]
    regex: re.Pattern

    def matches(self, sentence: str) -> bool:
        return self.regex.search(sentence) is not None


def line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return None


def load_codebook(project: Project) -> tuple[SubTool, ...]:
    path = project.root / CODEBOOK
    raw = load_yaml(path, CODEBOOK)
    text = path.read_text(encoding="utf-8")
    if not isinstance(raw, dict) or raw.get("unit") != "sentence" or not isinstance(raw.get("types"), dict):
        raise BuildError([Problem(CODEBOOK, "expected 'unit: sentence' and 'types:' with supply, demand and environment")])
    problems, tools = [], []
    for tool_type in TYPES:
        block = raw["types"].get(tool_type)
        if not isinstance(block, dict) or not isinstance(block.get("sub_tools"), dict):
            problems.append(Problem(CODEBOOK, f"type '{tool_type}' needs a 'sub_tools:' mapping", line=line_of(text, f"{tool_type}:")))
            continue
        for sub_id, spec in block["sub_tools"].items():
            patterns = spec.get("patterns") if isinstance(spec, dict) else None
            if not patterns or not all(isinstance(p, str) and p for p in patterns):
                problems.append(Problem(CODEBOOK, f"sub-tool '{sub_id}' needs a non-empty list of patterns", line=line_of(text, f"{sub_id}:")))
                continue
            for pattern in patterns:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    problems.append(Problem(CODEBOOK, f"sub-tool '{sub_id}': pattern '{pattern}' is not a valid regular expression ({exc})",
                                            line=line_of(text, pattern)))
            if not problems:
                tools.append(SubTool(sub_id, str(spec.get("label") or sub_id), tool_type, tuple(patterns),
                                     re.compile("|".join(f"(?:{p})" for p in patterns))))
    ids = [t.id for t in tools]
    problems += [Problem(CODEBOOK, f"sub-tool id '{i}' is used twice") for i in sorted({i for i in ids if ids.count(i) > 1})]
    if problems:
        raise BuildError(problems)
    return tuple(tools)
