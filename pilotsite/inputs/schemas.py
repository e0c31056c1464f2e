"""Declared schemas of the YAML inputs (pydantic), with errors that name the file and line.

Tables (CSV) have their schemas in tables.py (pandera). A YAML file is parsed safely (tags such
as !!python/object are refused, never constructed), then validated against its model; every
problem is reported with the line of the offending key, the value found and what was expected.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import unicodedata
from pathlib import Path
from typing import Annotated, Any, Literal, Self, TypeVar

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from pilotsite.errors import BuildError, Problem

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG = re.compile(SLUG_PATTERN)  # every id: documents, corpora, events, processes, corpus texts
# An id names folders and files, with more around it (a figure's id, a version's, a cache key): a
# file name has at most 255 bytes
ID_LONGEST = 100
SLUG_EXPECTED = (
    f"an id: lowercase letters, digits and single hyphens (no spaces, slashes or dots), at most {ID_LONGEST} characters"
)
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=ID_LONGEST)]


def is_id(value: str) -> bool:
    """Whether a value is an id (SLUG_EXPECTED), as Slug checks a field."""
    return len(value) <= ID_LONGEST and SLUG.match(value) is not None


def visible(value: str) -> str:
    """A text must have something to read: not only spaces, full-width spaces or zero-width marks."""
    if not any(not c.isspace() and unicodedata.category(c) not in ("Cf", "Cc") for c in value):
        raise ValueError(f"found {value!r}, expected a text with something to read (not only spaces)")
    return value


Text = Annotated[str, StringConstraints(min_length=1), AfterValidator(visible)]
HttpUrl = Annotated[str, StringConstraints(pattern=r"^https?://[^\s<>\"']+$")]
SITE_URL_PATTERN = r"^https?://[^\s<>\"'?#&]+$"  # the base of every address: no query or fragment
SITE_URL_EXPECTED = "an http:// or https:// URL without a query (?) or fragment (#)"


ISO_DATE_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
PARTIAL_DATE_PATTERN = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"


def real_day(value: str) -> str:
    """A full date must be a day of the calendar (the patterns allow 2026-02-30)."""
    if len(value) == 10:
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"found '{value}', expected a real date (that day does not exist)") from None
    return value


IsoDate = Annotated[
    str,
    StringConstraints(pattern=ISO_DATE_PATTERN),
    AfterValidator(real_day),
]


def year_as_written(value: object) -> object:
    """`date: 2019` unquoted: YAML reads a number, which is the year as written (YYYY-MM and
    YYYY-MM-DD are read as written already: the loaders keep dates as text)."""
    return str(value) if type(value) is int and 1000 <= value <= 9999 else value


PartialDate = Annotated[
    str,
    BeforeValidator(year_as_written),
    StringConstraints(pattern=PARTIAL_DATE_PATTERN),
    AfterValidator(real_day),
]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
VersionId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{12}$")]  # a figure version, as in its address

# What a maintainer is told was expected, by pydantic's error type.
EXPECTED = {
    "string_pattern_mismatch": None,  # filled from the field's own pattern, see describe_pattern
    "string_too_short": "a non-empty text",
    "string_too_long": f"an id of at most {ID_LONGEST} characters",  # only ids have a longest (Slug)
    "string_type": "a text (put numbers in quotes)",
    "missing": "this field (it is required)",
    "extra_forbidden": "no such field (check the spelling)",
    "literal_error": None,
    "list_type": "a list",
    "too_short": "a longer list",
    "too_long": "a shorter list",
    "greater_than_equal": "a number that is not negative",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "dict_type": "a mapping of names to values",
    "model_type": "a mapping of names to values",
}
# Looked up with the pattern of an error's context, which may have none.
PATTERNS: dict[str | None, str] = {
    SLUG_PATTERN: SLUG_EXPECTED,
    r"^https?://[^\s<>\"']+$": "an http:// or https:// URL",
    SITE_URL_PATTERN: SITE_URL_EXPECTED,
    ISO_DATE_PATTERN: "a date YYYY-MM-DD",
    PARTIAL_DATE_PATTERN: "a date YYYY, YYYY-MM or YYYY-MM-DD",
    r"^[0-9a-f]{64}$": "64 lowercase hex digits (a SHA-256)",
    r"^[0-9a-f]{12}$": (
        "a version id: the 12 hex digits in the version's address figures/<figure-id>/v/<version>/ (in quotes)"
    ),
}


# DataCite's own pattern for a DOI (schema 4.5, `doi`), with no character that would need
# escaping in BibTeX, RIS or HTML: a DOI is written into all of them as it is.
BARE_DOI = re.compile(r"^10\.[0-9]{4,9}/[^\s{}\\\"<>\x00-\x1f\x7f-\x9f]+$")
# A source document's DOI may also hold < and >, as the SICI DOIs of older journals do
# (10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O): its pages escape it and its
# resolver address percent-encodes them. A figure version's DOI keeps BARE_DOI, as CITATION.cff's
# schema allows no < or > in one.
DOCUMENT_DOI = re.compile(r"^10\.[0-9]{4,9}/[^\s{}\\\"\x00-\x1f\x7f-\x9f]+$")
RESOLVER_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:")
DOI_EXPECTED = (
    "a DOI of the form 10.NNNN/suffix (or https://doi.org/10.NNNN/suffix), without spaces, braces, "
    "backslashes or quotes"
)
FIGURE_DOI_EXPECTED = DOI_EXPECTED + ", nor < or > (CITATION.cff allows none in a DOI)"


def doi_url(doi: str) -> str:
    """The resolver address of a bare DOI. A DOI may hold characters that mean something in a URL
    (`#`, `?`, `%`): percent-encoded, as the DOI Handbook asks, so the resolver is given the
    whole DOI rather than a part of it and a fragment."""
    from urllib.parse import quote

    return "https://doi.org/" + quote(doi, safe="/:;()!$&'*+,=@")


def bare_doi(value: str, checked_by_idutils: bool = True, pattern: re.Pattern[str] = BARE_DOI) -> str | None:
    """The DOI as citations write it (10.NNNN/suffix), a resolver URL or doi: prefix dropped; None
    when value is not a DOI (by DataCite's pattern, and idutils' check where it is asked for).
    A resolver URL is percent-decoded (%3C is the DOI's <), as doi_url encodes it again."""
    from urllib.parse import unquote

    text = value.strip()
    for prefix in RESOLVER_PREFIXES:
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
            try:
                text = unquote(text, errors="strict") if prefix.startswith("http") else text
            except UnicodeDecodeError:  # %-escapes that are no UTF-8
                return None
            break
    if not pattern.match(text):
        return None
    if checked_by_idutils:
        import idutils

        return text if idutils.is_doi(text) else None
    return text


def document_doi(value: str) -> str:
    """A document's DOI as citations write it, whichever form document.yaml gives it in (by
    DataCite's pattern alone: a deposit bundle, which reads document.yaml too, installs no idutils)."""
    doi = bare_doi(value, checked_by_idutils=False, pattern=DOCUMENT_DOI)
    if doi is None:
        raise ValueError(f"found '{value}', expected {DOI_EXPECTED}")
    return doi


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SiteConfig(Strict):
    """data/site.yaml"""

    title: Text
    title_zh: Text
    authors: list[Text] = Field(min_length=1)
    date: IsoDate
    licence: Text
    licence_zh: Text | None = None  # the licence line in the Chinese edition's words
    licence_id: Text
    licence_url: HttpUrl
    # the code's licence where it differs from the text's and data's (licence_id, licence_url)
    code_licence_id: Text | None = None
    code_licence_url: HttpUrl | None = None
    site_url: Annotated[str, StringConstraints(pattern=SITE_URL_PATTERN)]

    @model_validator(mode="after")
    def code_licence_whole(self) -> Self:
        if (self.code_licence_id is None) != (self.code_licence_url is None):
            raise ValueError("code_licence_id and code_licence_url go together: give both or neither")
        return self


Scalar = str | int | None


class DocumentMeta(Strict):
    """data/documents/<id>/document.yaml"""

    id: Slug
    title: Text
    title_en: str | None = None
    title_zh: str | None = None
    authors: list[Text]
    affiliations: list[Text] = []
    kind: Text
    venue: str | None = None
    volume: Scalar = None
    issue: Scalar = None
    pages: Scalar = None
    year: int | None = None
    date: PartialDate | None = None
    doi: Annotated[str, AfterValidator(document_doi)] | None = None  # bare: 10.NNNN/suffix
    url: HttpUrl | None = None  # only http(s): a javascript: URL never becomes a link
    languages: list[Literal["zh", "en"]] = Field(min_length=1)
    keywords: list[Text] = []

    @field_validator("languages")
    @classmethod
    def languages_once(cls, languages: list[str]) -> list[str]:
        if len(set(languages)) < len(languages):
            raise ValueError(f"found {languages}, expected each language once")
        return languages

    keywords_zh: list[Text] = []
    source_file: Text
    source_sha256: Sha256 | None = None
    notes: str | None = None
    short_title: Text
    summary: Text
    # the site's own words about the document (short_title, summary) in Chinese, for the Chinese
    # edition; without them it shows the English ones, marked as not translated
    short_title_zh: Text | None = None
    summary_zh: Text | None = None


class GroupingEntry(Strict):
    """One comparison of a corpus: texts grouped by a metadata column (or `year`, read from `date`)."""

    column: Text
    id: Slug | None = None  # figure ids end in keywords-by-<id>; default: corpus.column_id(column)
    label: Text | None = None
    label_zh: Text | None = None  # the label in the Chinese edition
    values: list[Text] | None = None  # the groups in this order; values not listed follow, sorted
    where: dict[str, Text] | None = None  # only texts with these values, e.g. {level: local}

    @field_validator("values")
    @classmethod
    def values_once(cls, values: list[str] | None) -> list[str] | None:
        listed = values or []
        repeated = next((v for v in listed if listed.count(v) > 1), None)
        if repeated is not None:
            raise ValueError(f"the value '{repeated}' is listed more than once; each group is listed once")
        return values


class ComparisonEntry(Strict):
    column: Text
    values: list[Text] = Field(min_length=2, max_length=2)

    @field_validator("values")
    @classmethod
    def two_groups(cls, values: list[str]) -> list[str]:
        if len(values) == 2 and values[0] == values[1]:
            raise ValueError(f"compares '{values[0]}' with itself; name two different values")
        return values


class CorpusEntry(Strict):
    id: Slug
    title: Text | None = None
    title_zh: Text | None = None  # the title in the Chinese edition
    path: Text
    groupings: list[GroupingEntry] | None = None  # default: level, region of local texts, issuer tier
    keyness: ComparisonEntry | None = None  # default: level, central against local
    search_characters: int = Field(default=300, ge=0)  # how much of each text search indexes
    # texts per page of its lists; at most 1,000, so that a list page stays within the page budget
    list_page_size: int = Field(default=200, ge=1, le=1000)


class CorporaConfig(Strict):
    """data/corpora.yaml (an id given twice is named at its second entry's line by corpus.load_corpora)"""

    corpora: list[CorpusEntry] = []


# Where a pattern could match nothing at all: at the start, between characters, at the end
EMPTY_MATCH_PROBES = ("", "试点", "ab", "。 \n1")


def valid_regex(pattern: str) -> str:
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"pattern '{pattern}' is not a valid regular expression ({exc})") from None
    if compiled.search(""):  # x?, a*, (|b): a match in every sentence
        raise ValueError(f"pattern '{pattern}' matches the empty string, so it would code every sentence")
    if any(m.start() == m.end() for probe in EMPTY_MATCH_PROBES for m in compiled.finditer(probe)):
        # \B, (?=.), \b: a match of no text, which a sentence has somewhere
        raise ValueError(f"pattern '{pattern}' can match where there is no text, so it would code every sentence")
    if repeats_a_repeat(pattern):
        raise ValueError(
            f"pattern '{pattern}' repeats a part that itself repeats without bound, such as (a+)+: on a sentence it "
            "does not match, it can take longer than any build (write the part once, as a+)"
        )
    return pattern


def repeats_a_repeat(pattern: str) -> bool:
    """Whether a repeated part of the pattern holds a part repeated without bound: (.+)+x, (a*)*,
    (a+b?)+. Python's backtracking matcher may try exponentially many ways to split a text
    between the two before it fails, and cannot be stopped while it does (the build hung)."""
    # the parser re itself compiles with (typeshed describes neither module)
    from re import _constants as sre  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    repeats = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)

    def walk(items: Any, inside_repeat: bool) -> bool:
        for op, value in items:
            inside, parts = inside_repeat, []
            if op in repeats:
                _, high, body = value
                if op is sre.POSSESSIVE_REPEAT:  # gives nothing back: nothing in it is tried twice
                    inside, parts = False, [body]
                elif inside_repeat and high == sre.MAXREPEAT:
                    return True
                else:
                    inside, parts = inside_repeat or high > 1, [body]
            elif op is sre.SUBPATTERN:
                parts = [value[-1]]
            elif op is sre.BRANCH:
                parts = value[1]
            elif op in (sre.ASSERT, sre.ASSERT_NOT):
                parts = [value[1]]
            elif op is sre.ATOMIC_GROUP:  # likewise
                inside, parts = False, [value]
            if any(walk(part, inside) for part in parts):
                return True
        return False

    return walk(_parser.parse(pattern), False)


class SubToolSpec(Strict):
    label: Text | None = None
    label_zh: Text | None = None  # the label in the Chinese edition's pages (default: label)
    patterns: list[Annotated[Text, Field()]] = Field(min_length=1)

    @field_validator("patterns")
    @classmethod
    def patterns_compile(cls, patterns: list[str]) -> list[str]:
        return [valid_regex(p) for p in patterns]


class ToolType(Strict):
    label: Text | None = None
    sub_tools: dict[Slug, SubToolSpec] = Field(min_length=1)


ToolTypeName = Literal["supply", "demand", "environment"]


class Codebook(Strict):
    """data/codebook/policy-tools.yaml"""

    unit: Literal["sentence"]
    types: dict[ToolTypeName, ToolType]


Year = Annotated[int, Field(ge=1000, le=9999)]


class PeriodEntry(Strict):
    start: Year  # first year of the period
    end: Year  # last year, included
    label: Text | None = None  # default: start–end

    @model_validator(mode="after")
    def ordered(self) -> Self:
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")
        return self


class CentreEntry(Strict):
    column: Text = "level"
    value: Text = "central"


class TrendsConfig(Strict):
    """data/trends.yaml: the corpus studies over time (every field has a default)."""

    terms: list[Text] = Field(default=["试点", "示范", "创新", "营商环境", "数字"], min_length=1, max_length=12)
    min_texts: int = Field(default=5, ge=1)  # a year with fewer texts (in a series) is marked
    periods: list[PeriodEntry] = Field(
        default=[PeriodEntry(start=1980, end=2009), PeriodEntry(start=2015, end=2025)], min_length=2, max_length=2
    )
    shown: int = Field(default=15, ge=1, le=50)  # words shown rising and falling
    min_count: int = Field(default=20, ge=1)  # occurrences in the two periods together, for a word to be compared
    diffusion: list[Text] = Field(
        default=["营商环境", "河长制", "一网通办", "网格化", "证照分离", "双随机", "大数据", "生态文明"], max_length=20
    )
    centre: CentreEntry = CentreEntry()  # the texts of the centre: level = central
    adopters: Text = "province"  # the column whose values adopt a term (the local texts' provinces)


class RepeatedKey(Exception):
    """A mapping that gives a key twice: YAML keeps the last silently, so the first is lost."""

    def __init__(self, key: str, first: int, line: int):
        super().__init__(key)
        self.key, self.first, self.line = key, first, line


def refusing_repeated_keys(loader: type[yaml.SafeLoader]) -> type[yaml.SafeLoader]:
    """loader, raising RepeatedKey for a mapping that names a key twice (not a YAMLError, so that
    the fast path does not fall back on it), and reading an unquoted date as the text it is
    written as: every date field is text, and `date: 2024-12-01` means what `date: "2024-12-01"`
    does (PyYAML would make it a Python date, refused as not a text, and end in a bare ValueError
    for a day the calendar lacks; the fields' own checks say what a date must be)."""

    class Loader(loader):  # type: ignore[valid-type,misc]  # a class chosen at run time: C or Python
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
            first: dict[tuple[str, str], int] = {}
            for key, _ in node.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                    line = key.start_mark.line + 1
                    if (key.tag, key.value) in first:
                        raise RepeatedKey(key.value, first[(key.tag, key.value)], line)
                    first[(key.tag, key.value)] = line
            return super().construct_mapping(node, deep)  # type: ignore[no-any-return]  # PyYAML is untyped

        def construct_date_as_written(self, node: yaml.ScalarNode) -> str:
            return str(node.value)

    Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_date_as_written)
    return Loader


# libyaml's parser where PyYAML has it (its wheels do): a build parses about 70 KB of YAML, twice
# (parse_yaml, key_lines), which took PyYAML's Python parser half a second and takes libyaml's 15 ms.
# Both build the same data with the same safe constructor. PyYAML's own parser reads what libyaml
# finds wrong (its messages, and their lines, are the ones users see), and what the two would judge
# differently: a text with a tab (PyYAML refuses one inside a plain value, libyaml takes it) or a
# character PyYAML refuses to read at all. (libyaml still takes a few texts PyYAML refuses, valid
# YAML all: a "? " inside a flow value, as in [a? , b], is part of the value, not a key.)
FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FAST_DATA_LOADER = refusing_repeated_keys(FAST_LOADER)
DATA_LOADER = refusing_repeated_keys(yaml.SafeLoader)


def fast_yaml(text: str) -> bool:
    return FAST_LOADER is not yaml.SafeLoader and "\t" not in text and not yaml.reader.Reader.NON_PRINTABLE.search(text)


def parse_yaml(text: str, label: str) -> object:
    """Safe YAML: only plain data; a Python tag, a key given twice or a syntax error is a problem
    with its line."""
    try:
        return _parse_yaml(text, label)
    except RepeatedKey as exc:
        raise BuildError(
            [Problem(label, f"key '{exc.key}' is given twice (first on line {exc.first}); keep one", line=exc.line)]
        ) from None


def _parse_yaml(text: str, label: str) -> object:
    if fast_yaml(text):
        with contextlib.suppress(yaml.YAMLError):
            return yaml.load(text, Loader=FAST_DATA_LOADER)
    try:
        return yaml.load(text, Loader=DATA_LOADER)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        raise BuildError(
            [
                Problem(
                    label,
                    f"refused: {exc.problem} (only plain YAML data is read; tags such as "
                    "!!python/object are never run)",
                    line=mark.line + 1 if mark else None,
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        if "\t" in text and "tab" in problem.lower() or "found character '\\t'" in problem:
            problem += " (indent with spaces, not tabs)"
        elif problem == "mapping values are not allowed here":  # "title: 海南: 试点"
            problem += " (a key or value holding ': ' must be quoted: title: \"海南: 试点\")"
        elif problem == "could not find expected ':'" and isinstance(exc, yaml.MarkedYAMLError) and exc.context_mark:
            # the key YAML was reading, on its own line (it stops at the next one): a ' #' in it
            # began a comment, "No. #5 Bureau: …" read as the key "No."
            mark = exc.context_mark
            if " #" in text.splitlines()[mark.line]:
                problem += " (' #' starts a comment: a key or value holding it must be quoted)"
        raise BuildError([Problem(label, f"not valid YAML: {problem}", line=mark.line + 1 if mark else None)]) from None


KeyPath = tuple[str | int, ...]  # mapping keys and list indices from the root, as pydantic's error locations


def key_lines(text: str) -> dict[KeyPath, int]:
    """The line of every key and list item, by its path (as in pydantic's error locations)."""
    lines: dict[KeyPath, int] = {}

    def walk(node: yaml.Node, path: KeyPath) -> None:
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                lines[path + (key.value,)] = key.start_mark.line + 1
                walk(value, path + (key.value,))
                lines[path + (key.value,)] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, path + (index,))

    root = None
    for loader in (FAST_LOADER, yaml.SafeLoader) if fast_yaml(text) else (yaml.SafeLoader,):
        try:
            root = yaml.compose(text, Loader=loader)
            break
        except yaml.YAMLError:
            continue
    if root is not None:
        walk(root, ())
    return lines


def sized(kind: str, ctx: dict[str, Any]) -> str:
    """What a list (or mapping) too short or too long should have been: "a list of at least 2
    items", "a non-empty mapping"."""
    noun = "mapping" if ctx.get("field_type") == "Dictionary" else "list"
    if kind == "too_short":
        least = int(ctx["min_length"])
        return f"a non-empty {noun}" if least == 1 else f"a {noun} of at least {least} items"
    most = int(ctx["max_length"])
    return f"a {noun} of at most {most} item{'s' if most != 1 else ''}"


def describe(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "string_pattern_mismatch":
        expected = PATTERNS.get(
            error.get("ctx", {}).get("pattern"), f"text matching {error.get('ctx', {}).get('pattern')}"
        )
    elif kind == "literal_error":
        expected = "one of " + error.get("ctx", {}).get("expected", "")
    elif kind in ("too_short", "too_long") and {"min_length", "max_length"} & error.get("ctx", {}).keys():
        expected = sized(kind, error["ctx"])
    else:
        expected = EXPECTED.get(kind) or error["msg"].lower()
    where = ".".join(str(part) for part in error["loc"])
    if kind == "value_error":
        return f"field '{where}': {error.get('ctx', {}).get('error') or error['msg']}"
    if kind == "missing":
        return f"missing field '{where}'"
    if kind == "extra_forbidden":
        return f"unknown field '{where}' (check the spelling; known fields are listed in the README)"
    found = error.get("input")
    shown = repr(found) if not isinstance(found, (dict, list)) else type(found).__name__
    if isinstance(found, list) and len(repr(found)) <= 80:  # a short list is shown as found: ['central']
        shown = repr(found)
    return f"field '{where}': found {shown}, expected {expected}"


Model = TypeVar("Model", bound=BaseModel)


def validate(model: type[Model], path: Path, label: str, text: str | None = None) -> Model:
    """Parse the YAML file at path and validate it against model; all problems together."""
    from pilotsite.inputs.reading import read_utf8

    text = read_utf8(path, label) if text is None else text
    raw = parse_yaml(text, label)
    try:
        return model.model_validate({} if raw is None else raw)
    except ValidationError as exc:
        lines = key_lines(text)
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            line = next((lines[loc[:n]] for n in range(len(loc), -1, -1) if loc[:n] in lines), None)
            problems.append(Problem(label, describe(error), line=line))
        raise BuildError(sorted(problems, key=lambda p: p.line or 0)) from None  # in the file's order
