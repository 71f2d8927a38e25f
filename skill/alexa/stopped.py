"""Where a paused turn stopped, so "resume" carries on from there instead of the part's start.

Only a device with a screen can say. In order of trust:

1. A touch on Pause: the coaching document sends how many pieces it had left to say
   (``touch.TOUCHED_PIECES_LEFT``), kept up to date before every piece it speaks.
2. "Alexa, pause" while the document was speaking (hands-free): the request's visual
   context reports the same count (the document's ``piecesLeft`` entity).
3. Otherwise (the turn was spoken as outputSpeech, so no document counted it): an estimate
   from the time the turn was due to end (``Position.ends_at``) and how long each piece is
   expected to take, counted back from the end and erring towards the earlier piece.

Alexa does not tell a skill where it cut its outputSpeech short, so (3) is the best the
platform allows on a spoken pause; on a speaker nothing is guessed and resume starts the
part again, as it always has (a speaker's responses stay exactly what they were).
"""

from __future__ import annotations

from dataclasses import replace

from skill.alexa import visual
from skill.alexa.conversation import POSITION, Conversation
from skill.alexa.touch import TOUCHED_PIECES_LEFT
from skill.engine.navigation import Position


def _spoken(conversation: Conversation) -> Position | None:
    """The session's position as the last turn left it (its end time not yet cleared)."""
    try:
        return Position.from_json(conversation.session.get(POSITION), conversation.coach)
    except ValueError:
        return None


def pieces_left(conversation: Conversation) -> int | None:
    """How many pieces of the part were left, the one under way included; None: unknown."""
    handler_input = conversation.input
    if not visual.has_screen(handler_input):
        return None
    if conversation.progress.hands_free:
        touched = conversation.request_attributes.get(TOUCHED_PIECES_LEFT)
        reported = touched if touched is not None else visual.pieces_left_on_screen(handler_input)
        if reported:
            return reported
    spoken = _spoken(conversation)
    if spoken is None or spoken.paused or spoken.finished or spoken.ends_at is None:
        return None
    seconds_left = spoken.ends_at - conversation.now
    if seconds_left <= 0:
        return None  # heard through: resume goes on to the next part
    left = conversation.coach.pieces_left_at(spoken, seconds_left)
    # a turn that itself carried on mid-part began no earlier than where it carried on
    return min(left, spoken.pieces_left) if spoken.pieces_left else left


def where_stopped(conversation: Conversation, position: Position) -> Position:
    """The position to pause, with where in the part it stopped when that can be known."""
    left = pieces_left(conversation)
    return position if left is None else replace(position, pieces_left=left)
