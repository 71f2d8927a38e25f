"""What the skill says outside coaching: welcome, disclaimer, how-to, lists, help, progress.

Pure functions of content and progress, so the handlers stay thin and every sentence can be
tested without Alexa. Each reply ends by telling the person what they can say next. The
sentences themselves are data (``content/words/<language>/replies.json``); every function
takes the ``Words`` of the person's locale and defaults to en-US.
"""

from __future__ import annotations

from collections.abc import Sequence

from skill.engine.coaching import capitalize, dose_summary
from skill.engine.navigation import Coach, Position
from skill.library import Exercise, Frequency, Library
from skill.words import Words, load_words

_EN = load_words()
#: en-US phrases kept as constants for callers that speak only English.
DISCLAIMER = _EN.say("replies.disclaimer")
WHAT_YOU_CAN_SAY = _EN.say("replies.what_you_can_say")
WHAT_NOW = _EN.say("replies.what_now")
IN_ROUTINE_HELP = _EN.say("replies.in_routine_help")


def _w(words: Words | None) -> Words:
    return words or _EN


def spoken_list(items: Sequence[str], words: Words | None = None) -> str:
    return _w(words).join(items)


def welcome_first_time(words: Words | None = None) -> str:
    w = _w(words)
    return w.say(
        "replies.welcome_first_time",
        disclaimer=w.say("replies.disclaimer"),
        what_you_can_say=w.say("replies.what_you_can_say"),
    )


def welcome_back(words: Words | None = None) -> str:
    w = _w(words)
    return w.say("replies.welcome_back", what_you_can_say=w.say("replies.what_you_can_say"))


def offer_resume(coach: Coach, position: Position, words: Words | None = None) -> str:
    w = _w(words)
    routine = coach.routine(position)
    exercise = routine.items[position.item].exercise
    where = (
        w.say("replies.resume_where_single", exercise=exercise.name)
        if len(routine.items) == 1
        else w.say("replies.resume_where_routine", exercise=exercise.name, routine=routine.name)
    )
    return w.say("replies.offer_resume", where=where)


def times_phrase(frequency: Frequency, words: Words | None = None) -> str:
    """'twice', '3 times', '2 to 3 times'."""
    w = _w(words)
    if frequency.times_max != frequency.times_min:
        return w.say("replies.times_range", low=frequency.times_min, high=frequency.times_max)
    key = f"replies.times_{frequency.times_min}"
    return w.say(key) if w.has(key) else w.say("replies.times_n", count=frequency.times_min)


def frequency_phrase(frequency: Frequency | None, words: Words | None = None) -> str:
    if frequency is None:
        return ""
    w = _w(words)
    return w.say("replies.frequency", times=times_phrase(frequency, w), per=frequency.per)


def how_to(exercise: Exercise, words: Words | None = None) -> str:
    w = _w(words)
    equipment = [e for e in exercise.equipment if e != "none"]
    needs = (
        w.say(
            "replies.you_need",
            things=w.join([w.say("replies.a_thing", thing=e) for e in equipment]),
        )
        if equipment
        else w.say("replies.no_equipment")
    )
    parts = [
        f"{capitalize(exercise.name)}. {exercise.helps}",
        needs,
        w.say("replies.start_position", position=exercise.starting_position),
        *exercise.instructions,
        dose_summary(exercise.timing, exercise, w),
        frequency_phrase(exercise.timing.frequency, w),
        *exercise.safety,
        w.say("replies.want_to_do_it"),
    ]
    return " ".join(p for p in parts if p)


def unknown_exercise(library: Library, words: Words | None = None) -> str:
    w = _w(words)
    names = [e.name for e in list(library.exercises.values())[:4]]
    return w.say("replies.unknown_exercise", names=w.join(names))


def unknown_routine(library: Library, words: Words | None = None) -> str:
    w = _w(words)
    return w.say(
        "replies.unknown_routine", names=w.join([r.name for r in library.routines.values()])
    )


def list_routines(library: Library, coach: Coach, words: Words | None = None) -> str:
    w = _w(words)
    described = [
        w.say(
            "replies.routine_minutes",
            name=r.name,
            minutes=w.count("units.minute", coach.minutes(coach.total_seconds(r.id))),
        )
        for r in library.routines.values()
    ]
    return w.say("replies.list_routines", count=len(described), routines=w.join(described))


def list_exercises(library: Library, words: Words | None = None) -> str:
    w = _w(words)
    names = [e.name for e in library.exercises.values()]
    return w.say("replies.list_exercises", count=len(names), names=w.join(names))


def how_long(
    coach: Coach, position: Position | None, library: Library, words: Words | None = None
) -> str:
    w = _w(words)
    if position is None or position.finished:
        routine = library.default_routine
        minutes = coach.minutes(coach.total_seconds(routine.id))
        return w.say(
            "replies.how_long_routine",
            routine=capitalize(routine.name),
            minutes=w.count("units.minute", minutes),
            what_now=w.say("replies.what_now"),
        )
    minutes = coach.minutes(coach.remaining_seconds(position))
    return w.say(
        "replies.how_long_left",
        minutes=w.count("units.minute", minutes),
        routine=coach.routine(position).name,
    )


def exercises_left(coach: Coach, position: Position | None, words: Words | None = None) -> str:
    w = _w(words)
    what_now = w.say("replies.what_now")
    if position is None:
        return w.say("replies.not_in_routine", what_now=what_now)
    left = coach.exercises_left(position)
    if left == 0:
        return w.say("replies.none_left", routine=coach.routine(position).name, what_now=what_now)
    return w.say("replies.exercises_to_go", exercises=w.count("units.exercise", left))


def progress_report(
    completed: int, streak: int, words: Words | None = None, question: str | None = None
) -> str:
    """How many routines and the streak, then ``question`` (default: what would you like?)."""
    w = _w(words)
    what_now = question or w.say("replies.what_now")
    if completed == 0:
        return w.say("replies.no_routine_yet", what_now=what_now)
    days = w.say("replies.streak", days=w.count("units.day", streak)) if streak else ""
    return w.say(
        "replies.finished_count",
        routines=w.count("units.routine", completed),
        streak=days,
        what_now=what_now,
    )


def finished_praise(streak: int, words: Words | None = None) -> str:
    w = _w(words)
    if streak > 1:
        return w.say("replies.days_in_a_row", count=streak)
    return w.say("replies.start_a_streak")
