"""The reply kinds of plans, settings, pain and 'where was I', rebuilt from small descriptors.

As in ``replies_said.py``: each function turns a conversation and a few ids, counts and flags
into words, so "repeat" says them again. An offered plan is read from the session's offer
(which a repeat does not change); what the person said is passed as ids ("band", "knees"),
never as words. Replies given in a routine end with the routine's own next-step question.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from skill import plan_replies
from skill.alexa.said import Utterance, reply
from skill.engine.coaching import capitalize, dose_summary
from skill.engine.planning import Plan, PlanRequest
from skill.library import ANY_AREA, PLAN_PREFIX

if TYPE_CHECKING:
    from skill.alexa.conversation import Conversation


def _ids(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t in text.split(",") if t))


def lead_words(conversation: Conversation, lead: str) -> str:
    """'have:band,lack:towel' or 'level:gentle' -> the sentences that acknowledge them."""
    words = conversation.coach.words
    said = []
    for pair in _ids(lead):
        what, _, value = pair.partition(":")
        if what == "level":
            said.append(words.say(f"conversation.level_set_{value}"))
        elif what in POSTURE_LEADS:
            said.append(posture_lead(conversation, what, value))
        elif what == "area":  # a part of the body no routine is for: the plan is for all
            said.append(words.say("plans.unknown_area_lead"))
        elif what == "length":  # "is there a shorter one?"
            said.append(words.say(f"plans.length_lead_{value}"))
        elif what == "kit":  # "I haven't got any equipment"
            said.append(words.say("conversation.kit_equipment"))
        else:
            thing = words.say(f"plans.equipment_{value}")
            key = f"conversation.{what}_equipment"
            if what == "lack" and conversation.in_routine is not None:
                # the routine under way keeps its exercises: say how to leave one out
                key = "conversation.lack_equipment_in_routine"
            said.append(words.say(key, thing=thing))
    return " ".join(said)


#: What was said of a posture ('avoid:floor'...), as lead_words reads it (PostureHandler).
POSTURE_LEADS = ("avoid", "only", "ask", "need")


def posture_lead(conversation: Conversation, what: str, posture: str) -> str:
    """'All right, I'll leave out exercises done sitting on the floor.', 'Yes.'..."""
    words = conversation.coach.words
    catalogue = conversation.coach.library.catalogue
    if what == "avoid":
        avoided = [p for p in catalogue.posture_ids if p in conversation.settings.avoid]
        said = words.say("plans.avoid_lead", postures=plan_replies.posture_names(words, avoided))
    else:
        said = words.say(f"plans.{what}_lead", posture=words.say(f"plans.posture_{posture}"))
    note = f"plans.posture_note_{posture}"
    return f"{said} {words.say(note)}" if what == "ask" and words.has(note) else said


@reply("plan_offer")
def plan_offer(
    conversation: Conversation,
    minutes: str,
    seconds: int,
    fits: bool,
    area: str = "",
    level: str = "standard",
    lack: str = "",
    lead: str = "",
    timed: bool = True,
    avoid: str = "",
) -> Utterance:
    """'For your 10 minutes, here's a routine for your knees, no band needed: ... About 9
    minutes. Ready?' (``timed``: the person said how long; else no minutes are said back)."""
    offer = conversation.offer or {}
    routine_id = offer.get("id", "")
    if offer.get("kind") != "plan" or not routine_id.startswith(PLAN_PREFIX):
        raise ValueError("no plan on offer")
    routine = conversation.coach.library.plan(routine_id)
    # The length "yes" will announce: for this person, who may know some exercises already.
    seconds = round(conversation.coach.total_seconds(routine_id, conversation.known(routine_id)))
    plan = Plan(
        routine_id,
        tuple(item.exercise.id for item in routine.items),
        seconds,
        float(minutes),
        fits,
    )
    request = PlanRequest(
        float(minutes) if timed else None,
        lack=frozenset(_ids(lack)),
        area=area or None,
        level=level,
        avoid=frozenset(_ids(avoid)),
    )
    text, reprompt = plan_replies.offer(
        conversation.coach.library, plan, request, conversation.coach.words
    )
    return Utterance(" ".join(p for p in (lead_words(conversation, lead), text) if p), reprompt)


@reply("plan_impossible")
def plan_impossible(
    conversation: Conversation, lack: str, lead: str = "", avoid: str = ""
) -> Utterance:
    request = PlanRequest(lack=frozenset(_ids(lack)), avoid=frozenset(_ids(avoid)))
    sorry = plan_replies.nothing_possible(request, conversation.coach.words)
    return Utterance(" ".join(p for p in (lead_words(conversation, lead), sorry) if p))


@reply("unknown_area")
def unknown_area(conversation: Conversation) -> Utterance:
    """'My neck is stiff', mid-routine: no routine is for it; the areas there are, then the
    routine's question (outside a routine the general plan is offered, saying so)."""
    words = conversation.coach.words
    areas = [
        words.say(f"plans.area_name_{area}")
        for area in conversation.coach.library.catalogue.areas
        if area != ANY_AREA
    ]
    return Utterance(
        f"{words.say('plans.unknown_area', areas=words.join(areas))} {conversation.next_step()}"
    )


@reply("posture_in_routine")
def posture_in_routine(conversation: Conversation, lead: str) -> Utterance:
    """'Can I do this sitting down', 'I can't stand for long', mid-routine: what was noted,
    how the exercise under way is done, a way out if that is not how the person can do it,
    then the routine's question."""
    position = conversation.in_routine
    if position is None:
        raise ValueError("not in a routine")
    what, _, posture = lead.partition(":")
    coach = conversation.coach
    words = coach.words
    exercise = coach.routine(position).items[position.item].exercise
    here = coach.library.catalogue.posture_id(exercise)
    # whether the exercise under way is done as the person wants
    fits = here == posture if what in ("only", "ask") else here != posture
    done = {"exercise": exercise.name, "posture": words.say(f"plans.posture_{here}")}
    said = []
    if what in ("avoid", "only"):
        said.append(posture_lead(conversation, what, posture))
    if fits and what == "ask":
        said.append(words.say("plans.posture_yes", **done))
        note = f"plans.posture_note_{here}"
        if words.has(note):
            said.append(words.say(note))
    elif fits and what == "need":
        said.append(words.say("plans.posture_not_this", **done))
    else:
        said.append(capitalize(words.say("plans.posture_exercise", **done)))
        if not fits:
            said.append(words.say("plans.posture_other_way"))
    return Utterance(f"{' '.join(said)} {conversation.next_step()}")


@reply("settings_noted")
def settings_noted(conversation: Conversation, lead: str) -> Utterance:
    """An acknowledgement in a routine, then the routine's own question."""
    return Utterance(f"{lead_words(conversation, lead)} {conversation.next_step()}")


@reply("conversation")
def conversation_phrase(conversation: Conversation, key: str) -> Utterance:
    """A fixed sentence of content/words/<lang>/conversation.json, then the next step."""
    words = conversation.coach.words
    return Utterance(f"{words.say(f'conversation.{key}')} {conversation.next_step()}")


@reply("time_in_routine")
def time_in_routine(conversation: Conversation, minutes: float) -> Utterance:
    """'I've only got two minutes' mid-routine: how long this routine has left, and how to
    make it shorter if that is more than the person has; then the routine's own question."""
    position = conversation.in_routine
    if position is None:
        raise ValueError("not in a routine")
    coach = conversation.coach
    left = coach.seconds_left(position)
    text = coach.words.say(
        "plans.time_enough" if left <= minutes * 60 else "plans.time_short",
        left=coach.duration(left),
        routine=coach.routine(position).name,
    )
    return Utterance(f"{text} {conversation.next_step()}")


@reply("length_in_routine")
def length_in_routine(conversation: Conversation, change: str) -> Utterance:
    """'Is there a shorter version?', 'I'm in a hurry' mid-routine: how long this routine has
    left, and how to make it shorter (or that another can follow); then its own question."""
    position = conversation.in_routine
    if position is None:
        raise ValueError("not in a routine")
    coach = conversation.coach
    text = coach.words.say(
        "plans.time_short" if change == "shorter" else "plans.time_longer",
        left=coach.duration(coach.seconds_left(position)),
        routine=coach.routine(position).name,
    )
    return Utterance(f"{text} {conversation.next_step()}")


@reply("length_limit")
def length_limit(conversation: Conversation, change: str) -> Utterance:
    """Nothing shorter (or longer) than the routine on offer can be made: its length, and the
    offer's question again."""
    offer = conversation.offer or {}
    coach = conversation.coach
    seconds = coach.total_seconds(offer["id"], conversation.known(offer["id"]))
    words = coach.words
    return Utterance(
        words.say(f"plans.length_limit_{change}", about=coach.duration(seconds)),
        words.say("plans.offer_reprompt"),
    )


@reply("level_exercise")
def level_exercise(conversation: Conversation, level: str, changed: bool) -> Utterance:
    """The current exercise at its new level (or why not), then the next step."""
    words = conversation.coach.words
    position = conversation.in_routine
    if position is None:
        raise ValueError("not in a routine")
    item = conversation.coach.routine(position).items[position.item]
    name = item.exercise.name
    if not changed:
        said = capitalize(words.say(f"conversation.level_exercise_same_{level}", exercise=name))
        return Utterance(f"{said} {conversation.next_step()}")
    summary = dose_summary(item.timing, item.exercise, words)
    dose = summary[:1].lower() + summary[1:]  # it follows a colon
    dose_at_level = item.exercise.levels.get(level)
    supported = dose_at_level.supported if dose_at_level and dose_at_level.supported else ""
    if supported and not dose_at_level.timing:  # easier by support alone: the dose stays
        text = words.say(
            f"conversation.level_exercise_{level}_supported",
            exercise=name,
            supported=supported,
            dose=dose,
        )
        return Utterance(f"{text} {conversation.next_step()}")
    text = words.say(f"conversation.level_exercise_{level}", exercise=name, dose=dose)
    return Utterance(" ".join(p for p in (text, supported, conversation.next_step()) if p))


@reply("pain_in_routine")
def pain_in_routine(conversation: Conversation) -> Utterance:
    words = conversation.coach.words
    text = " ".join(
        words.say(f"conversation.{key}") for key in ("pain_stop", "red_flags", "pain_offer_skip")
    )
    return Utterance(text, words.say("conversation.pain_offer_skip_reprompt"))


@reply("pain_outside")
def pain_outside(conversation: Conversation, area: str = "") -> Utterance:
    """Care, the red flags, then a gentle plan for the area if one is on offer."""
    words = conversation.coach.words
    care = f"{words.say('conversation.pain_care')} {words.say('conversation.red_flags')}"
    what_now = words.say("replies.what_now")
    if not area:
        return Utterance(f"{care} {words.say('conversation.pain_rest_open', what_now=what_now)}")
    if (conversation.offer or {}).get("kind") != "plan":
        return Utterance(f"{care} {what_now}")
    offer = words.say("conversation.pain_offer_gentle", area=words.say(f"plans.for_area_{area}"))
    return Utterance(f"{care} {offer}", words.say("conversation.pain_offer_gentle_reprompt"))


@reply("where_was_i")
def where_was_i(conversation: Conversation) -> Utterance:
    words = conversation.coach.words
    what_now = words.say("replies.what_now")
    position = conversation.position
    if position is None:
        return Utterance(words.say("conversation.where_nothing", what_now=what_now))
    routine = conversation.coach.routine(position)
    if position.finished:
        return Utterance(
            words.say("conversation.where_finished", routine=routine.name, what_now=what_now)
        )
    exercise = routine.items[position.item].exercise.name
    single = len(routine.items) == 1
    if conversation.coach.announced_next_exercise(position):  # heard to its end: done
        coming = routine.items[position.item + 1].exercise.name
        if conversation.in_routine:
            text = words.say(
                "conversation.where_done_next",
                number=position.item + 1,
                count=len(routine.items),
                exercise=exercise,
                routine=routine.name,
                next=coming,
            )
            return Utterance(f"{text} {conversation.next_step()}")
        return Utterance(
            words.say(
                "conversation.where_saved_done",
                exercise=exercise,
                routine=routine.name,
                next=coming,
            ),
            words.say("conversation.resume_reprompt"),
        )
    if conversation.in_routine:
        key = "conversation.where_now_single" if single else "conversation.where_now"
        text = words.say(
            key,
            number=position.item + 1,
            count=len(routine.items),
            exercise=exercise,
            routine=routine.name,
        )
        return Utterance(f"{text} {conversation.next_step()}")
    key = "conversation.where_saved_single" if single else "conversation.where_saved"
    return Utterance(
        words.say(key, exercise=exercise, routine=routine.name),
        words.say("conversation.resume_reprompt"),
    )


@reply("needs_what_you_lack")
def needs_what_you_lack(conversation: Conversation) -> Utterance:
    """Before an exercise that needs what the person said they haven't got: skip or do it."""
    words = conversation.coach.words
    position = conversation.position
    if position is None:
        return Utterance(words.say("replies.what_now"))
    exercise = conversation.coach.routine(position).items[position.item].exercise
    things = plan_replies.things(words, conversation.lacking(position))
    return Utterance(
        words.say("conversation.needs_what_you_lack", exercise=exercise.name, things=things),
        words.say("conversation.needs_what_you_lack_reprompt"),
    )
