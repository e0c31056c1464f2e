"""The words drawn into a figure's image (axis labels, panel titles, legends), in every edition's
language: a figure is drawn once and cited by one image, so it carries both (bilingual).

Kept apart from drawing.py so that analyses can name bilingual() without importing matplotlib.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType

from pilotsite.inputs.interface import LANGUAGES, Interface, Listed, Text, Translated

_INTERFACE: ContextVar[Interface | None] = ContextVar("interface", default=None)
# a figure's drawn_names, resolved (figure._with_texts): column -> value of the data -> its names
_NAMES: ContextVar[Mapping[str, Mapping[str, Translated]]] = ContextVar("drawn_names", default=MappingProxyType({}))
DRAWN_TEXTS = "axis."  # the catalogue keys a figure may draw: part of every figure's key


def bilingual(key: str, /, joiner: str = "\n", **values: object) -> str:
    """The catalogue text of key in every language, joined (each language's line, by default);
    once where the languages say the same. Its values are data, a value's names (value_names) or
    another drawn text (Text of an axis.* key). For a figure's draw function."""
    interface = _INTERFACE.get()
    if interface is None:
        raise RuntimeError("bilingual() names the words of a figure while it is drawn, from its draw function")
    if not drawn(Text(key, **values)):
        # only these keys and names are part of a figure's key: another text could change and leave the image stale
        raise ValueError(
            f"bilingual({key!r}): a drawn text is a key starting with '{DRAWN_TEXTS}', its values data, "
            "value_names() or drawn texts"
        )
    texts = dict.fromkeys(str(interface.resolve(Text(key, **values), language)) for language in LANGUAGES)
    return joiner.join(texts)


def drawn(value: object) -> bool:
    """Whether a figure may draw the value: the words it resolves to are part of the figure's key."""
    if isinstance(value, Text):
        return value.key.startswith(DRAWN_TEXTS) and all(drawn(v) for _, v in value.values)
    if isinstance(value, Translated):
        return any(value in names.values() for names in _NAMES.get().values())
    if isinstance(value, Listed):
        return value.separator.startswith(DRAWN_TEXTS) and all(drawn(v) for v in value.items)
    return not isinstance(value, tuple)  # a list joined by text.list_separator, which no figure's key has


def value_names(column: str, value: str, written: str | None = None) -> Translated | str:
    """A value of a column of the figure's data (a group) in each language's words, as the
    figure's drawn_names give them (resolved, and part of its key); else as written (by default,
    the value itself), the same in every language. For bilingual's values."""
    return _NAMES.get().get(column, {}).get(value) or (value if written is None else written)


def bilingual_value(column: str, value: str, joiner: str = "\n") -> str:
    """A value of a column of the figure's data as its image names it (a panel, a legend entry, a
    bar): its name in every language (value_names), joined; once where the languages say the same."""
    found = value_names(column, value)
    if not isinstance(found, Translated):
        return found
    return joiner.join(dict.fromkeys(found.of(language) for language in LANGUAGES))


def in_reference_language(value: object) -> str:
    """A mark's tooltip as figure.svg has it: a Text (of DRAWN_TEXTS keys, which are part of the
    figure's key) in the reference language; anything else as a string."""
    interface = _INTERFACE.get()
    if not isinstance(value, Text) or interface is None:
        return str(value)
    if not value.key.startswith(DRAWN_TEXTS):
        raise ValueError(f"a mark's tooltip Text({value.key!r}): its key must start with '{DRAWN_TEXTS}'")
    return str(interface.resolve(value, LANGUAGES[0]))


def drawn_texts_digest(interface: Interface) -> str:
    """What the catalogues say for every key a figure may draw (DRAWN_TEXTS), as one hash."""
    texts = {
        language: {k: v for k, v in entries if k.startswith(DRAWN_TEXTS)} for language, entries in interface.catalogues
    }
    return hashlib.sha256(json.dumps(texts, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


@contextmanager
def drawing_for(
    interface: Interface | None, names: Mapping[str, Mapping[str, Translated]] | None = None
) -> Iterator[None]:
    """While a figure is drawn, bilingual() takes its words from the interface's catalogues, and
    value_names() a value's from names (the figure's drawn_names, resolved)."""
    token, names_token = _INTERFACE.set(interface), _NAMES.set(names or {})
    try:
        yield
    finally:
        _NAMES.reset(names_token)
        _INTERFACE.reset(token)
