"""The lexicon in data/lexicon/: jieba's user dictionary and the stopword lists, checked like
every other input (size, UTF-8, the format of each line) before any analysis reads them."""

from __future__ import annotations

import re

from pilotsite.errors import BuildError, Problem
from pilotsite.inputs.project import Project
from pilotsite.inputs.reading import CONTROL_CHARACTER, read_utf8

USER_DICTIONARY = "data/lexicon/userdict.txt"
STOPWORDS = {
    "zh": ("data/lexicon/stopwords-zh.txt",),
    "en": ("data/lexicon/stopwords-en.txt", "data/lexicon/stopwords-extra-en.txt"),
}
LEXICON_FILES = (USER_DICTIONARY, *STOPWORDS["zh"], *STOPWORDS["en"])
# The function words of Chinese legal drafting (应当, 规定, 本条例, …), left out of corpus keyword
# counts and trends on top of the stopwords (see data/lexicon/README.md); keyness keeps them.
LEGAL_DRAFTING = "data/lexicon/legal-drafting-zh.txt"

# jieba's user-dictionary line, exactly as jieba reads it (its re_userdict: one space apart, ASCII
# digits, lowercase tags; anything else would silently make the whole line one "word"): a word,
# then optionally its frequency, then optionally a part-of-speech tag.
DICTIONARY_LINE = re.compile(r"(?P<word>\S+)(?: (?P<frequency>[0-9]+))?(?: (?P<tag>[a-z]+))?")


def check_lexicon(project: Project) -> str:
    """Every lexicon file checked, all problems reported together; returns the user dictionary's text."""
    problems: list[Problem] = []
    dictionary = ""
    for label in (*LEXICON_FILES, LEGAL_DRAFTING):
        try:
            text = read_utf8(project.path(label), label)
        except BuildError as exc:
            problems += exc.problems
            continue
        for number, line in enumerate(text.split("\n"), 1):
            entry = line.strip()
            if not entry:
                continue
            if CONTROL_CHARACTER.search(entry):
                problems.append(Problem(label, "contains a control character", line=number))
            elif label == USER_DICTIONARY and not DICTIONARY_LINE.fullmatch(entry):
                problems.append(
                    Problem(
                        label,
                        f"expected `word [frequency [tag]]` (a word, then optionally a whole number "
                        f"in ASCII digits, then optionally a lowercase part-of-speech tag, one space "
                        f"apart), found {entry[:40]!r}",
                        line=number,
                    )
                )
            elif label != USER_DICTIONARY and len(entry.split()) != 1:
                problems.append(Problem(label, f"expected one word per line, found {entry[:40]!r}", line=number))
            elif label in STOPWORDS["en"] and entry != entry.lower():  # it would never match a token
                problems.append(
                    Problem(
                        label,
                        f"'{entry}' has capitals, but English words are counted in lower case: write '{entry.lower()}'",
                        line=number,
                    )
                )
        if label == USER_DICTIONARY:
            dictionary = text
    if problems:
        raise BuildError(problems)
    return dictionary
