"""Words around a request that carry no meaning for it, as Alexa's recogniser hears them.

People hesitate and are polite: "um, okay so, next please", "thanks, goodbye foot coach".
Alexa passes those words on and its language understanding looks past them; a model need not
list every sample with and without them. The console does the same: when the words as said
match no sample, it tries them again with fillers taken off the front and the back, one at a
time, so "not now thanks" is tried as "not now" before "not".
"""

from __future__ import annotations

from collections.abc import Iterator

#: Hesitations and discourse markers before a request.
LEADING_FILLERS = (
    ("um",), ("uh",), ("er",), ("erm",), ("hmm",), ("oh",), ("ah",), ("well",), ("so",),
    ("okay", "so"), ("ok", "so"), ("alright", "so"), ("right", "so"), ("actually",), ("hey",),
    ("okay",), ("ok",), ("alright",), ("right",), ("and",), ("but",), ("now",), ("alexa",),
    ("please",), ("thanks",), ("thank", "you"), ("cheers",), ("kindly",), ("no", "worries"),
    ("hang", "about"), ("hang", "on"),
)  # fmt: skip
#: Politeness and time words after a request.
TRAILING_FILLERS = (
    ("please",), ("thanks",), ("thank", "you"), ("cheers",), ("now",), ("then",), ("for", "me"),
    ("if", "you", "can"), ("if", "you", "could"), ("if", "possible"), ("okay",), ("ok",),
    ("right", "now"), ("today",), ("alexa",), ("again",), ("if", "you", "don't", "mind"),
    ("if", "that's", "okay"), ("if", "that's", "ok"), ("if", "that's", "alright"), ("mate",),
    ("eh",), ("only",),
)  # fmt: skip
#: Sounds that are never words of a request, wherever they are.
HESITATIONS = frozenset({"um", "uh", "er", "erm"})
#: Words that turn a request around: a sample found after them is not what was asked.
NEGATIONS = frozenset({"don't", "dont", "not", "no", "never", "can't", "cant", "won't", "stop"})
#: Words that say no, as phrase keys (no apostrophes); words ending "nt" ("havent") also do.
NEGATION_KEYS = frozenset({"not", "no", "never", "without", "nothing", "none"})


def without_fillers(spoken: list[str], name: tuple[str, ...] = ()) -> Iterator[list[str]]:
    """The words with one more filler taken off each time, front first, never all of them.

    ``name`` is the skill's invocation name, which people also say around a request inside
    a session ("goodbye foot coach").
    """
    words = [w for w in spoken if w not in HESITATIONS]
    if words != spoken and words:
        yield words
    leading = (*LEADING_FILLERS, *((name,) if name else ()))
    trailing = (*TRAILING_FILLERS, *((name,) if name else ()))
    while True:
        for filler in leading:
            if tuple(words[: len(filler)]) == filler and len(words) > len(filler):
                words = words[len(filler) :]
                break
        else:
            for filler in trailing:
                if tuple(words[-len(filler) :]) == filler and len(words) > len(filler):
                    words = words[: -len(filler)]
                    break
            else:
                return
        yield words


#: Contractions the grammar writes as said ("that's", "what's"): never expanded.
_KEPT_CONTRACTIONS = frozenset(
    [
        "it's",
        "that's",
        "what's",
        "let's",
        "there's",
        "here's",
        "one's",
        "how's",
        "who's",
        "where's",
        "he's",
        "she's",
    ]
)


def expanded_contractions(spoken: list[str]) -> list[str] | None:
    """ "my back's sore" as "my back is sore": a noun's "'s" the grammar cannot write (Amazon
    allows no "'s" after a slot), or None when there is none to expand."""
    expanded: list[str] = []
    for word in spoken:
        if word.endswith("'s") and word not in _KEPT_CONTRACTIONS and len(word) > 3:
            expanded += [word[:-2], "is"]
        else:
            expanded.append(word)
    return expanded if expanded != spoken else None
