"""What the skill says outside coaching: welcome, disclaimer, how-to, lists, help, progress.

Pure functions of content and progress, so the handlers stay thin and every sentence can be
tested without Alexa. Each reply ends by telling the person what they can say next.
"""

from __future__ import annotations

from collections.abc import Sequence

from skill.engine.coaching import capitalize, dose_summary, plural
from skill.engine.navigation import Coach, Position
from skill.library import Exercise, Frequency, Library

DISCLAIMER = (
    "Before we start: Foot Coach gives general exercise guidance, not medical advice. "
    "Stop if anything hurts, and see a doctor or physical therapist if your pain is severe "
    "or doesn't go away."
)
WHAT_YOU_CAN_SAY = (
    "You can say start the classic routine, start the quick routine, "
    "or ask how to do an exercise, like ankle circles. What would you like to do?"
)
WHAT_NOW = "What would you like to do? You can say start, or list routines."
IN_ROUTINE_HELP = (
    "Say next to go on, repeat to hear that again, previous to go back, skip to move to the "
    "next exercise, or pause. What would you like?"
)


def spoken_list(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" and {items[-1]}"


def welcome_first_time() -> str:
    return (
        "Welcome to Foot Coach. I'll talk you through short foot exercises, counting your reps "
        f"and timing your holds. {DISCLAIMER} {WHAT_YOU_CAN_SAY}"
    )


def welcome_back() -> str:
    return f"Welcome back to Foot Coach. {WHAT_YOU_CAN_SAY}"


def offer_resume(coach: Coach, position: Position) -> str:
    routine = coach.routine(position)
    exercise = routine.items[position.item].exercise
    where = (
        f"on {exercise.name}"
        if len(routine.items) == 1
        else f"on {exercise.name} in {routine.name}"
    )
    return f"Welcome back. You were {where}. Say resume to continue, or start to begin again."


def frequency_phrase(frequency: Frequency | None) -> str:
    if frequency is None:
        return ""
    words = {1: "once", 2: "twice"}
    low = words.get(frequency.times_min, f"{frequency.times_min} times")
    if frequency.times_max != frequency.times_min:
        low = f"{frequency.times_min} to {frequency.times_max} times"
    return f"People usually do it {low} a {frequency.per}."


def how_to(exercise: Exercise) -> str:
    equipment = [e for e in exercise.equipment if e != "none"]
    needs = (
        f"You'll need {spoken_list(['a ' + e for e in equipment])}."
        if equipment
        else "You don't need any equipment."
    )
    parts = [
        f"{capitalize(exercise.name)}. {exercise.helps}",
        needs,
        f"Start {exercise.starting_position}.",
        *exercise.instructions,
        dose_summary(exercise.timing, exercise),
        frequency_phrase(exercise.timing.frequency),
        *exercise.safety,
        "Want to do it now?",
    ]
    return " ".join(p for p in parts if p)


def unknown_exercise(library: Library) -> str:
    names = [e.name for e in list(library.exercises.values())[:4]]
    return (
        f"I don't know that one yet. I can teach you {spoken_list(names)}, among others. "
        "Say list exercises to hear them all. Which would you like?"
    )


def unknown_routine(library: Library) -> str:
    names = [r.name for r in library.routines.values()]
    return f"I don't know that routine. You can choose {spoken_list(names)}. Which would you like?"


def list_routines(library: Library, coach: Coach) -> str:
    described = [
        f"{r.name}, about {plural(coach.minutes(coach.total_seconds(r.id)), 'minute')}"
        for r in library.routines.values()
    ]
    return (
        f"There are {len(described)} routines: {spoken_list(described)}. "
        "Which would you like? Say start and its name."
    )


def list_exercises(library: Library) -> str:
    names = [e.name for e in library.exercises.values()]
    return (
        f"I know {len(names)} exercises: {spoken_list(names)}. "
        "Ask how to do any of them, or say let's do, and its name."
    )


def how_long(coach: Coach, position: Position | None, library: Library) -> str:
    if position is None or position.finished:
        routine = library.default_routine
        minutes = coach.minutes(coach.total_seconds(routine.id))
        return f"{capitalize(routine.name)} takes about {plural(minutes, 'minute')}. {WHAT_NOW}"
    minutes = coach.minutes(coach.remaining_seconds(position))
    routine = coach.routine(position).name
    return f"About {plural(minutes, 'minute')} left in {routine}. Say next when you're ready."


def exercises_left(coach: Coach, position: Position | None) -> str:
    if position is None:
        return f"You're not in a routine right now. {WHAT_NOW}"
    left = coach.exercises_left(position)
    if left == 0:
        return f"None, you've finished {coach.routine(position).name}. {WHAT_NOW}"
    return f"{plural(left, 'exercise')} to go. Say next when you're ready."


def progress_report(completed: int, streak: int) -> str:
    if completed == 0:
        return f"You haven't finished a routine yet. Today's a good day to start. {WHAT_NOW}"
    days = f" You're on a streak of {plural(streak, 'day')}." if streak else ""
    return f"You've finished {plural(completed, 'routine')}.{days} {WHAT_NOW}"


def finished_praise(streak: int) -> str:
    if streak > 1:
        return f"That's {streak} days in a row. Keep it up!"
    return "Come back tomorrow to start a streak."
