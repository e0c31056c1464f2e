"""The words drawn into a figure's image (axis labels, panel titles, legends), in every edition's
language: a figure is drawn once and cited by one image, so it carries both (bilingual).

Kept apart from drawing.py so that analyses can name bilingual() without importing matplotlib.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from pilotsite.inputs.interface import LANGUAGES, Interface, Text

_INTERFACE: ContextVar[Interface | None] = ContextVar("interface", default=None)
DRAWN_TEXTS = "axis."  # the catalogue keys a figure may draw: part of every figure's key


def bilingual(key: str, /, joiner: str = "\n", **values: object) -> str:
    """The catalogue text of key in every language, joined (each language's line, by default);
    once where the languages say the same. For a figure's draw function."""
    interface = _INTERFACE.get()
    if interface is None:
        raise RuntimeError("bilingual() names the words of a figure while it is drawn, from its draw function")
    if not key.startswith(DRAWN_TEXTS) or any(isinstance(value, Text) for value in values.values()):
        # only these keys are part of a figure's key: another text could change and leave the image stale
        raise ValueError(f"bilingual({key!r}): a drawn text is a key starting with '{DRAWN_TEXTS}', its values data")
    texts = dict.fromkeys(str(interface.resolve(Text(key, **values), language)) for language in LANGUAGES)
    return joiner.join(texts)


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
def drawing_for(interface: Interface | None) -> Iterator[None]:
    """While a figure is drawn, bilingual() takes its words from the interface's catalogues."""
    token = _INTERFACE.set(interface)
    try:
        yield
    finally:
        _INTERFACE.reset(token)
