"""The site's interface in each language: data/i18n/<language>.yaml, one catalogue per language.

Every text a reader sees that is neither data nor a document (navigation, labels, messages)
comes from a catalogue, never from code or templates, so a translator edits data files only.
A project without a data/i18n/ folder uses the catalogues shipped with this checkout. The first
language is the reference: every other catalogue must have exactly its keys, and the
same {placeholders} in each text. A catalogue that lacks a key, has one too many, or a
template that asks for a key no catalogue has, fails the build naming the file, the key and
its line.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from pathlib import Path

from pilotsite.errors import BuildError, Problem
from pilotsite.state.workspace import CATALOGUES, catalogues_root

LANGUAGES = ("en", "zh")  # the first is the reference catalogue
KEY = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
# A name of the corpus metadata (corpus.column.<column>, corpus.value.<column>.<value>) ends in
# the column and value as the metadata writes them: capitals, spaces, hyphens, any script
# (corpus.value.province.北京, corpus.column.Funding Body), on one line (no control character or
# line separator: YAML reads NEL and U+2028 as line breaks of a quoted key).
_WRITTEN = r"[^\x00-\x1f\x7f-\x9f\u2028\u2029]+"
DATA_NAME_KEY = re.compile(rf"corpus\.(column\.{_WRITTEN}|value\.{_WRITTEN}\.{_WRITTEN})")
PLACEHOLDER = re.compile(r"^[a-z_]+$")
LIST_SEPARATOR = "text.list_separator"  # joins the items of a tuple given as a Text's value ("; ")
Values = tuple[tuple[str, object], ...]  # a Text's (name, value) pairs, sorted by name
Catalogues = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # language -> ((key, text), …)


def placeholders(text: str) -> list[str] | None:
    """The {names} a text has, sorted; None if it has a brace that is not one ({{ and }} are a
    literal brace), or a placeholder with a conversion or format ({name!r}, {name:d}): the pages
    fill them as words, and str.format would apply them."""
    try:
        parsed = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(text)]
    except ValueError:
        return None
    fields = [name for name, spec, conversion in parsed if name is not None and not spec and conversion is None]
    if len(fields) != sum(1 for name, _, _ in parsed if name is not None):
        return None
    return sorted(fields) if all(PLACEHOLDER.match(name) for name in fields) else None


class Text:
    """A catalogue text and the values of its placeholders, in no language yet: what an analysis
    gives as a figure's title or caption, so each edition shows it in its own language
    (Interface.resolve). A value may be a Text too: Text("fig.keywords.title",
    language=Text("language.zh"), document=doc.short_titles), or a tuple of values, shown as a
    list in the language."""

    __slots__ = ("key", "values")
    key: str
    values: Values

    def __init__(self, key: str, /, **values: object) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "values", tuple(sorted(values.items())))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a Text does not change")

    def __reduce__(self) -> tuple[Callable[[str, Values], Text], tuple[str, Values]]:
        return _text, (self.key, self.values)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Text) and (self.key, self.values) == (other.key, other.values)

    def __hash__(self) -> int:
        return hash((self.key, self.values))

    def __repr__(self) -> str:
        return f"Text({self.key!r}, {dict(self.values)!r})"


def named(kind: str, value: str, known: Container[str]) -> Text | str:
    """A value of the data that the catalogues name, as the Text fig.<kind>.<value> (the tool
    type 'supply' is 供给型 in Chinese) when it is one of the known values; any other value (a
    researcher's own data) as it is."""
    return Text(f"fig.{kind}.{value}") if value in known else value


def undated_notes(undated: int, total: int) -> tuple[Text, ...]:
    """A corpus figure's note that undated of total texts have no date and are left out (none
    where every text is dated), worded for one text where it is one (1 text has, 2 have)."""
    key = "fig.corpus.undated_note_one" if undated == 1 else "fig.corpus.undated_note"
    return (Text(key, undated=undated, total=total),) if undated else ()


def corpus_value(interface: Interface, column: str, value: str) -> Text | str:
    """A corpus metadata value as pages and titles name it: the Text corpus.value.<column>.<value>
    where the catalogues have it (level central is 中央 in Chinese), else the value as written."""
    return catalogued(interface, f"corpus.value.{column}.{value}", value) if value else value


def catalogued(interface: Interface, key: str, value: str) -> Text | str:
    """A value of the data as the catalogues name it, the Text key, where they have the key; else
    the value as written."""
    return Text(key) if interface.has(key) else value


def _text(key: str, values: Values) -> Text:
    return Text(key, **dict(values))


@dataclass(frozen=True)
class Listed:
    """Items shown as a list, joined by the text of a separator key in each language (a tuple
    is a Listed with LIST_SEPARATOR): Listed(names, "text.comma_separator") is 'a, b' in English
    and 'a、b' in Chinese."""

    items: tuple[object, ...]
    separator: str = LIST_SEPARATOR


@dataclass(frozen=True)
class Translated:
    """A value given in several languages by the data (a document's short title in English and
    in Chinese): as a Text's value, each edition shows its own, or the reference language's."""

    texts: tuple[tuple[str, str], ...]  # (language, text); the reference language's first

    def of(self, language: str | None) -> str:
        found = dict(self.texts)
        return found.get(language or LANGUAGES[0]) or found[LANGUAGES[0]]


def translations(entry: object, field_name: str) -> tuple[tuple[str, str], ...]:
    """(language, text) of a field of a data file's entry given in the other editions' languages
    too (a corpus's title_zh, a grouping's or sub-tool's label_zh)."""
    return tuple(
        (language, getattr(entry, f"{field_name}_{language}"))
        for language in LANGUAGES[1:]
        if getattr(entry, f"{field_name}_{language}", None)
    )


def to_plain(value: object) -> object:
    """A Text (or Translated value, or tuple of them) as plain JSON data, to keep in a cache
    file and resolve when the pages are made; from_plain gives it back."""
    if isinstance(value, Text):
        return {"text": value.key, "values": {name: to_plain(v) for name, v in value.values}}
    if isinstance(value, Translated):
        return {"translated": [list(pair) for pair in value.texts]}
    if isinstance(value, tuple):
        value = Listed(value)
    if isinstance(value, Listed):
        return {"items": [to_plain(item) for item in value.items], "separator": value.separator}
    return str(value)  # as a placeholder shows it (a NumPy number too)


def from_plain(data: object) -> object:
    if isinstance(data, dict) and "text" in data:
        return Text(data["text"], **{name: from_plain(v) for name, v in data["values"].items()})
    if isinstance(data, dict) and "translated" in data:
        return Translated(tuple((language, text) for language, text in data["translated"]))
    if isinstance(data, dict) and "items" in data:
        return Listed(tuple(from_plain(item) for item in data["items"]), data["separator"])
    return data


def catalogue_label(language: str) -> str:
    return f"{CATALOGUES}/{language}.yaml"


@dataclass(frozen=True)
class Interface:
    """Every language's catalogue (language -> ((key, text), …), keys sorted), and the language
    pages are shown in. Frozen and plain, so it pickles into page keys and worker tasks."""

    catalogues: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    language: str = LANGUAGES[0]
    # language -> ((analysis file, its description), …): data/i18n/analyses.<language>.yaml, the
    # translations of the analyses' docstrings (the reference language's descriptions)
    descriptions: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    # language -> {key: text}, made once: every page asks for dozens of texts. Not pickled (see
    # __getstate__), so page keys depend on the catalogues only, never on what was looked up.
    _lookup: dict[str, dict[str, str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_lookup", {language: dict(texts) for language, texts in self.catalogues})

    def __getstate__(self) -> tuple[Catalogues, str, Catalogues]:
        return self.catalogues, self.language, self.descriptions

    def __setstate__(self, state: tuple[Catalogues, str, Catalogues]) -> None:
        object.__setattr__(self, "catalogues", state[0])
        object.__setattr__(self, "language", state[1])
        object.__setattr__(self, "descriptions", state[2])
        self.__post_init__()

    def raw(self, key: str, language: str | None = None) -> str:
        """The text of key in the language (default: the interface's), {placeholders} unfilled."""
        language = language or self.language
        catalogue = self._lookup.get(language, {})
        if key not in catalogue:
            raise BuildError(
                [
                    Problem(
                        catalogue_label(language),
                        f"no text for the key '{key}', which a page asks for "
                        f"(add it to every catalogue under {CATALOGUES}/)",
                    )
                ]
            )
        return catalogue[key]

    def text(self, key: str, language: str | None = None, /, **values: object) -> str:
        """The text of key in the language (default: the interface's), placeholders filled."""
        try:
            return self.raw(key, language).format_map(values)
        except KeyError as missing:
            raise BuildError(
                f"the interface text '{key}' was asked for without a value for {{{missing.args[0]}}}"
            ) from None

    def resolve(self, value: object, language: str | None = None) -> object:
        """A Text in the language (its values resolved too), a Translated value in the language,
        a tuple as its items resolved and joined by the language's list separator (LIST_SEPARATOR);
        anything else as it is."""
        if isinstance(value, Text):
            return self.text(value.key, language, **{name: self.resolve(v, language) for name, v in value.values})
        if isinstance(value, Translated):
            return value.of(language or self.language)
        if isinstance(value, tuple):
            value = Listed(value)
        if isinstance(value, Listed):
            return self.text(value.separator, language).join(str(self.resolve(item, language)) for item in value.items)
        return value

    def description(self, analysis: str, language: str | None = None) -> str | None:
        """An analysis's description in the language, from data/i18n/analyses.<language>.yaml; None
        where there is none (its docstring is shown instead)."""
        return dict(dict(self.descriptions).get(language or self.language, ())).get(analysis)

    def has(self, key: str) -> bool:
        """Whether the catalogues have the key (an optional text, such as a metadata column's name)."""
        return key in self._lookup.get(LANGUAGES[0], {})

    def shown_texts(self) -> str:
        """Every text of the interface's language: what the layout may put on any page."""
        return "\n".join(text for _, text in dict(self.catalogues).get(self.language, ()))


def load_interface(root: Path) -> Interface:
    """Read and check every catalogue of the project at root (or, if it has no data/i18n/
    folder, those shipped with this checkout); all problems together."""
    from pilotsite.inputs.reading import read_utf8
    from pilotsite.inputs.schemas import key_lines, parse_yaml

    root = catalogues_root(root)

    problems: list[Problem] = []
    found: dict[str, dict[str, str]] = {}
    lines: dict[str, dict[tuple[str | int, ...], int]] = {}
    for language in LANGUAGES:
        label = catalogue_label(language)
        path = root / label
        if not path.is_file():
            problems.append(
                Problem(
                    label,
                    f"missing: the interface's texts in '{language}', with the keys of {catalogue_label(LANGUAGES[0])}",
                )
            )
            continue
        text = read_utf8(path, label)
        raw = parse_yaml(text, label)
        lines[language] = key_lines(text)
        if not isinstance(raw, dict):
            problems.append(Problem(label, "expected a mapping of keys (such as nav.figures) to texts"))
            continue
        strings = {}
        for key, value in raw.items():
            line = lines[language].get((key,))
            if not isinstance(key, str) or not (KEY.fullmatch(key) or DATA_NAME_KEY.fullmatch(key)):
                problems.append(
                    Problem(
                        label,
                        f"key {key!r}: expected lowercase words joined by dots, such as nav.figures, or "
                        "corpus.column.<column> or corpus.value.<column>.<value> with the column and value as the "
                        "metadata writes them, on one line",
                        line=line,
                    )
                )
            elif not isinstance(value, str) or not value.strip():
                problems.append(Problem(label, f"key '{key}': found {value!r}, expected a non-empty text", line=line))
            elif placeholders(value) is None:
                problems.append(
                    Problem(
                        label,
                        f"key '{key}': '{value}' has a brace that is not a placeholder: "
                        "write {name} with a lowercase name (no !r or :format after it), or {{ and }} for a brace "
                        "itself",
                        line=line,
                    )
                )
            else:
                strings[key] = value
        found[language] = strings
    reference = LANGUAGES[0]
    if reference in found:
        expected = found[reference]
        for language, strings in found.items():
            label = catalogue_label(language)
            for key in sorted(set(expected) - set(strings)):
                if (key,) in lines[language]:
                    continue  # present but not valid: reported above
                problems.append(
                    Problem(label, f"no translation of '{key}' ({catalogue_label(reference)} has '{expected[key]}')")
                )
            for key in sorted(set(strings) - set(expected)):
                problems.append(
                    Problem(
                        label,
                        f"'{key}' is not a key of {catalogue_label(reference)} (check the "
                        "spelling, or add it there too)",
                        line=lines[language].get((key,)),
                    )
                )
            for key in sorted(set(strings) & set(expected)):
                if placeholders(strings[key]) != placeholders(expected[key]):
                    problems.append(
                        Problem(
                            label,
                            f"key '{key}': the placeholders of '{strings[key]}' differ from those "
                            f"of '{expected[key]}' in {catalogue_label(reference)}",
                            line=lines[language].get((key,)),
                        )
                    )
    descriptions = []
    for language in LANGUAGES[1:]:
        label = descriptions_label(language)
        if (root / label).is_file():
            descriptions.append((language, tuple(sorted(read_descriptions(root / label, label, problems).items()))))
    if problems:
        raise BuildError(problems)
    return Interface(
        tuple((language, tuple(sorted(found[language].items()))) for language in LANGUAGES),
        descriptions=tuple(descriptions),
    )


def descriptions_label(language: str) -> str:
    return f"{CATALOGUES}/analyses.{language}.yaml"


def read_descriptions(path: Path, label: str, problems: list[Problem]) -> dict[str, str]:
    """The analyses' descriptions in one language: analyses/<file>.py -> text."""
    from pilotsite.inputs.reading import read_utf8
    from pilotsite.inputs.schemas import key_lines, parse_yaml

    text = read_utf8(path, label)
    raw, lines = parse_yaml(text, label), key_lines(text)
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(
            Problem(
                label, "expected a mapping of analysis files (such as analyses/policy_tools.py) to their description"
            )
        )
        return {}
    found = {}
    for key, value in raw.items():
        line = lines.get((key,))
        if not isinstance(key, str) or not re.fullmatch(r"analyses/[A-Za-z0-9_]+\.py", key):
            problems.append(
                Problem(label, f"key {key!r}: expected an analysis file, such as analyses/policy_tools.py", line=line)
            )
        elif not isinstance(value, str) or not value.strip():
            problems.append(
                Problem(label, f"'{key}': found {value!r}, expected its description, a non-empty text", line=line)
            )
        else:
            found[key] = value
    return found
