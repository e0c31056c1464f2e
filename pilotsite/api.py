"""The names an analysis in analyses/ is written against.

An analysis imports from here and nowhere else in pilotsite: the engine's modules may move or
be renamed, these names stay, so a reorganised engine needs no edit to any analysis (whose code
is published on every figure page).
"""

from pilotsite.analysis.keyness import G2_P_0001, content_counts, content_words, keyness

# The lexicon's names are words' own imports from inputs.lexicon, taken from words on purpose: an
# analysis's dependencies are read from these imports (fingerprint.imported_modules).
from pilotsite.analysis.words import (  # type: ignore[attr-defined]  # words passes them on implicitly
    LEGAL_DRAFTING,
    LEXICON_FILES,
    STOPWORDS,
    USER_DICTIONARY,
    keyword_frequencies,
    lexicon_of,
    read_word_list,
    tokens,
)
from pilotsite.figures.drawn_texts import bilingual, bilingual_value, value_names
from pilotsite.figures.figure import Check, Figure, NotDrawn, NothingToDraw
from pilotsite.figures.marks import link_marks
from pilotsite.inputs.codebook import CODEBOOK, TYPES, load_codebook
from pilotsite.inputs.interface import LANGUAGES, Listed, Text, Translated, corpus_value, named, undated_notes
from pilotsite.inputs.project import EVENTS, STAGES
from pilotsite.inputs.schemas import SLUG

__all__ = [
    # declaring figures
    "Figure",
    "Check",
    "NotDrawn",
    "NothingToDraw",
    # titles and captions from the catalogues (data/i18n/), in each edition's language
    "Listed",
    "Text",
    "Translated",
    "bilingual",
    "bilingual_value",
    "value_names",
    "named",
    "corpus_value",
    "undated_notes",
    "LANGUAGES",
    # drawing them: each mark links to the evidence of its data row
    "link_marks",
    # where the inputs are
    "EVENTS",
    "STAGES",
    "CODEBOOK",
    "LEXICON_FILES",
    "STOPWORDS",
    "LEGAL_DRAFTING",
    "USER_DICTIONARY",
    "SLUG",
    # words, counts and codes
    "tokens",
    "lexicon_of",
    "keyword_frequencies",
    "read_word_list",
    "content_counts",
    "content_words",
    "keyness",
    "G2_P_0001",
    "load_codebook",
    "TYPES",
]
