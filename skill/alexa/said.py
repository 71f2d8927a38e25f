"""What the skill said last, kept as a small descriptor, so "repeat" can say it again.

Session attributes are the skill's memory between turns, but they travel through the
client and come back as the client likes. So they carry no speech: not the SSML (a forged
``<audio>`` tag would be played back), and not the words (too big: a how-to is longer than
the 512 bytes a whole session may carry). Instead the last reply is kept as

    {"reply": "<kind>", ...arguments}

where the kind names a function registered here and the arguments are ids, counts and flags,
never words. "Repeat" looks the kind up and calls it again with the same arguments and the
same position, which gives the same words, escaped like any reply. A forged descriptor can
at most make the skill say one of its own replies.

Two families of kinds:

- **Replies** (welcome, how-to, lists, help…): ``@reply("kind")`` on a function of
  ``(conversation, **arguments) -> Utterance``. Handlers answer with
  ``conversation.say("kind", **arguments)``. The function may read the conversation's
  position and content (they do not change when a reply is repeated) but anything that can
  change in the same turn (a streak, a count) is passed as an argument. Adding a reply is
  adding one decorated function in ``skill/alexa/replies_said.py``.
- **Coaching steps**: a step is an engine move applied to a position. Handlers move through
  the conversation (``conversation.move("next", position)``, ``conversation.start(id)``) and
  speak the result with ``conversation.speak_step(step, remark=Said("kind", ...))``. The
  descriptor records the move and where it started, relative to where it ended (the session's
  position), so "repeat" runs the same move from the same place; the engine is deterministic,
  so the turn is the same. A new move is one entry in ``MOVES``.

And one wrapper: 'say that again more slowly' says a word and the last reply again, and keeps
``{"reply": "again_slower", "said": <that reply's descriptor>}`` (``AGAIN_SLOWER``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import field, replace
from typing import TYPE_CHECKING, Any, NamedTuple

from skill.engine.navigation import Coach, Position, Step
from skill.values import Value, value_class

if TYPE_CHECKING:
    from skill.alexa.conversation import Conversation

#: The session attribute holding the last reply's descriptor.
LAST = "last"
#: A descriptor is a few ids and numbers; anything larger was not written by this skill.
MAX_DESCRIPTOR_BYTES = 256

Scalar = str | int | bool


class Utterance(NamedTuple):
    """Plain words to say and the reprompt (None: the usual question)."""

    text: str
    reprompt: str | None = None


@value_class
class Said(Value):
    """A reply kind and its arguments: what to say, without the words."""

    kind: str
    arguments: Mapping[str, Scalar] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"reply": self.kind, **self.arguments}

    @classmethod
    def from_json(cls, data: Any) -> Said | None:
        """A descriptor read back from the session, or None if it is not one of ours."""
        if not isinstance(data, dict) or not isinstance(data.get("reply"), str):
            return None
        arguments = {k: v for k, v in data.items() if k != "reply"}
        if not all(_is_argument(v) for v in arguments.values()):
            return None
        return cls(data["reply"], arguments)


def _is_argument(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_is_argument(v) for v in value.values())
    if isinstance(value, bool | str):
        return len(value) <= 64 if isinstance(value, str) else True
    return type(value) is int and -1_000_000 <= value <= 1_000_000


ReplyFunction = Callable[..., Utterance]
REPLIES: dict[str, ReplyFunction] = {}


def reply(kind: str) -> Callable[[ReplyFunction], ReplyFunction]:
    """Register a reply kind: ``@reply("how_to") def how_to(conversation, exercise): ...``."""

    def register(function: ReplyFunction) -> ReplyFunction:
        if kind in REPLIES or kind == STEP:
            raise ValueError(f"reply kind {kind!r} is registered twice")
        REPLIES[kind] = function
        return function

    return register


def utterance(conversation: Conversation, said: Said) -> Utterance:
    """The words of a reply kind; KeyError/TypeError/ValueError if the descriptor is bad."""
    return REPLIES[said.kind](conversation, **said.arguments)


def remember(session: dict[str, Any], descriptor: dict[str, Any]) -> None:
    session[LAST] = descriptor


def fits_descriptor(data: Any) -> bool:
    """Whether ``data`` is JSON small enough to be a descriptor."""
    try:
        return len(json.dumps(data, allow_nan=False)) <= MAX_DESCRIPTOR_BYTES
    except (TypeError, ValueError):
        return False


def recall(session: Mapping[str, Any]) -> Said | None:
    """The last reply's descriptor from the session, if it is a well-formed small one."""
    data = session.get(LAST)
    return Said.from_json(data) if fits_descriptor(data) else None


#: The descriptor kind of 'say that again more slowly': {"reply": AGAIN_SLOWER, "said": {the
#: descriptor of what was said again}}; repeated, it says its word and that reply again.
AGAIN_SLOWER = "again_slower"


#: The reply kind of "Sorry, I didn't get that": never worth saying again more slowly.
NOT_UNDERSTOOD = "not_understood"


def last_asked(session: Mapping[str, Any]) -> Said | None:
    """The reply last said, whether or not it was then said again more slowly: what a bare
    answer ('nine AM') answers."""
    return unwrapped(recall(session))


def unwrapped(said: Said | None) -> Said | None:
    """The reply a recalled descriptor says: itself, or the one it said again more slowly."""
    if said is not None and said.kind == AGAIN_SLOWER:
        said = Said.from_json(said.arguments.get("said"))
    # a wrapper holds one reply, never another wrapper: one that does was not made here
    return None if said is None or said.kind == AGAIN_SLOWER else said


# -- coaching steps --------------------------------------------------------------------

#: The descriptor kind of a coaching step.
STEP = "step"

Move = Callable[[Coach, Position], Step]
#: Every engine move a handler may make, by name. "start" begins the position's routine
#: keeping what it already taught (start, start over, one exercise: "exercise:<id>").
MOVES: dict[str, Move] = {
    "start": lambda coach, before: coach.start(before.routine_id, before.coached),
    "next": Coach.next,
    "previous": Coach.previous,
    "repeat": Coach.repeat,
    "skip": Coach.skip,
    "skip_announced": Coach.skip_announced,
    "start_over": Coach.start_over,
    "restart_exercise": Coach.restart_exercise,
    "pause": Coach.pause,
    "resume": Coach.resume,
}

_FLAGS = ("item", "part", "paused", "finished", "pieces_left")


def describe_move(move: str, before: Position, after: Position) -> dict[str, Any]:
    """The move and its starting place, as the difference from where it ended.

    Moves only ever add to ``coached``, so the start's ``coached`` is a prefix of the end's,
    kept as its length.
    """
    start = {f: getattr(before, f) for f in _FLAGS if getattr(before, f) != getattr(after, f)}
    described: dict[str, Any] = {"move": move}
    if start:
        described["from"] = start
    if before.coached != after.coached[: len(before.coached)]:
        raise ValueError(f"move {move!r} changed what was taught, not only added to it")
    if before.coached != after.coached:
        described["coached"] = len(before.coached)
    return described


def replay_move(coach: Coach, after: Position, arguments: Mapping[str, Any]) -> Step:
    """Run the described move again from its starting place: the same step as before."""
    move = MOVES[arguments["move"]]
    start = arguments.get("from", {})
    if not isinstance(start, dict) or not set(start) <= set(_FLAGS):
        raise ValueError("a step's start is malformed")
    taught = arguments.get("coached", len(after.coached))
    if type(taught) is not int or not 0 <= taught <= len(after.coached):
        raise ValueError("a step's coached count is malformed")
    before = replace(after, **start, coached=after.coached[:taught])
    before = Position.from_json(before.to_json(), coach)  # still a real place?
    step = move(coach, before)
    if step.position != after:
        raise ValueError("the described move does not lead to the session's position")
    return step
