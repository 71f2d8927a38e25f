"""Handlers for routines made to fit: time, equipment, body area and level.

"I have ten minutes", "something for my knees", "I don't have a band", "something easier":
each updates what is remembered about the person (equipment and level, never health) and,
outside a routine, offers a plan made by the engine; "yes" starts it. Mid-routine, "too hard"
or "too easy" changes the current exercise's dose from the next turn and remembers it.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import ClassVar

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.alexa import plan_said  # noqa: F401  (registers the reply kinds)
from skill.alexa.conversation import Conversation
from skill.alexa.handlers import ConversationHandler, about_an_exercise
from skill.engine.navigation import Coach, Position
from skill.engine.planning import MAX_MINUTES, Plan, Planner, PlanRequest
from skill.library import ANY_AREA, LEVELS, PLAN_PREFIX

PLAN_OFFER = "plan"
#: The body area that is about balance, not a part that can hurt (content/planning.json).
BALANCE_AREA = "balance"


class PlanningHandler(ConversationHandler):
    """Base: a handler with the planner at hand."""

    def __init__(self, coach: Coach) -> None:
        super().__init__(coach)
        self.planner = Planner(coach)


# -- reading what was said ------------------------------------------------------------


def minutes_asked(conversation: Conversation) -> float | None:
    """Minutes from the duration slot ("PT10M") or the number slot ("10"), if either is usable."""
    duration = conversation.slot_value("duration")
    if duration is not None:
        import isodate  # here: only a plan's length needs it (ten modules off every start)

        try:
            parsed = isodate.parse_duration(duration)
        except OverflowError:  # "PT99…9H": more than a timedelta holds, more than anyone needs
            return MAX_MINUTES
        except (ValueError, isodate.ISO8601Error):
            parsed = None
        if isinstance(parsed, isodate.Duration):  # years or months: more than anyone needs
            return MAX_MINUTES
        if parsed is not None and parsed.total_seconds() >= 0:  # "-PT5M" is no amount of time
            return parsed.total_seconds() / 60
    number = conversation.slot_value("minutes")
    try:
        value = float(number) if number is not None else math.nan
    except ValueError:
        value = math.nan
    return value if math.isfinite(value) and value >= 0 else None


def slot_id(conversation: Conversation, name: str, known: tuple[str, ...]) -> str | None:
    value, _ = conversation.slot(name)
    return value if value in known else None


def area_id(conversation: Conversation, areas: tuple[str, ...]) -> str | None:
    """The body area said: resolved by Alexa, or named in the words it could not resolve
    ("my dodgy knee": ``knees``)."""
    area = slot_id(conversation, "area", areas)
    if area is None:
        named = conversation.slot_named_in_words("area", "AREA")
        area = named if named in areas else None
    return area


def remember_equipment(
    conversation: Conversation,
) -> tuple[str | None, str | None, str | None]:
    """Equipment the person says they have, lack, or ask to use, remembered; (have, lack,
    use) ids. What they ask to use is had, over a lack of the same thing said in the same
    breath ("I haven't got a pencil, can I use a pen?": the pen does for the pencil)."""
    catalogue = conversation.coach.library.catalogue
    known = tuple(e.id for e in catalogue.equipment)
    have, lack, use = (slot_id(conversation, name, known) for name in ("have", "lack", "use"))
    if lack == use:
        lack = None
    if slot_id(conversation, "kit", ("nothing",)):  # "I haven't got any equipment"
        for equipment in catalogue.equipment:
            if not equipment.assumed and equipment.id != have:
                conversation.settings.lacks(equipment.id)
    for had in (have, use):
        if had:
            conversation.settings.gets(had)
    if lack:
        conversation.settings.lacks(lack)
    return have, lack, use


def plan_request(
    conversation: Conversation,
    minutes: float | None = None,
    area: str | None = None,
    level: str | None = None,
    wanted: str | None = None,
) -> PlanRequest:
    """A request from what was just said and what is remembered about the person;
    ``wanted``: equipment just named to use, whose exercises come first."""
    settings = conversation.settings
    return PlanRequest(
        minutes=minutes,
        have=frozenset(settings.have),
        lack=frozenset(settings.lack),
        area=area,
        level=level or settings.level,
        exercise_levels=dict(settings.exercise_levels),
        avoid=frozenset(settings.avoid),
        wanted=frozenset({wanted} if wanted else ()),
    )


def offer_plan(
    conversation: Conversation,
    planner: Planner,
    request: PlanRequest,
    lead: str = "",
    plan: Plan | None = None,
) -> Response:
    """Say what plan was made and ask; 'yes' starts it (PlanYesHandler).

    ``lead`` acknowledges what was just said ('have:band', 'level:gentle'; see plan_said).
    ``plan``, when given, was made for the request already (a shorter one): its minutes were
    the planner's, not the person's, so they are not said back.
    """
    timed = request.minutes is not None and plan is None
    plan = plan or planner.plan(request)
    lack = ",".join(sorted(request.lack))
    avoid = ",".join(sorted(request.avoid))
    if plan is None:  # an offer made before is not what the person can do now
        conversation.drop_offer()
        return conversation.say(
            "plan_impossible", lack=lack, lead=lead, **({"avoid": avoid} if avoid else {})
        )
    conversation.make_offer(PLAN_OFFER, plan.routine_id)
    said = {
        "area": request.area or "",
        "level": request.level,
        "lack": lack,
        "lead": lead,
        "timed": timed,
        "avoid": avoid,
    }
    defaults = {
        "area": "",
        "level": "standard",
        "lack": "",
        "lead": "",
        "timed": True,
        "avoid": "",
    }
    return conversation.say(
        "plan_offer",
        minutes=f"{plan.minutes_asked:g}",
        seconds=round(plan.seconds),
        fits=plan.fits,
        **{k: v for k, v in said.items() if v != defaults[k]},  # the descriptor stays small
    )


# -- handlers ---------------------------------------------------------------------------


class PlanRoutineHandler(PlanningHandler):
    """'I have ten minutes', 'something for my knees without a band': offer a plan."""

    intents = ("PlanRoutineIntent",)

    def reply(self, conversation: Conversation) -> Response:
        have, lack, _ = remember_equipment(conversation)
        level = slot_id(conversation, "level", LEVELS)
        if level:
            conversation.settings.level = level
        area = area_id(conversation, self.coach.library.catalogue.areas)
        unknown_area = area is None and conversation.slot("area")[1]  # "my neck"
        if unknown_area and conversation.in_routine:
            return conversation.say("unknown_area")
        minutes = minutes_asked(conversation)
        if minutes is not None and conversation.in_routine and not (area or level or have or lack):
            # "I've only got two minutes" mid-routine: what is left of this one, not a new one
            return conversation.say("time_in_routine", minutes=minutes)
        request = plan_request(conversation, minutes, area, wanted=have)
        return offer_plan(
            conversation, self.planner, request, "area:unknown" if unknown_area else ""
        )


class AreaTroubleHandler(PlanRoutineHandler):
    """'My knees are bad', 'my hip's playing up', 'I'm a bit wobbly': outside a routine, a plan
    for that area (as PlanRoutineHandler); during one, about the exercise under way: what to
    hold for balance, or go gently and how to make it easier, then its own question. A new
    routine offered there would replace this one on "yes". What hurts is never stored.
    """

    intents = ("AreaTroubleIntent",)

    def reply(self, conversation: Conversation) -> Response:
        if not conversation.in_routine:
            return super().reply(conversation)
        area = area_id(conversation, self.coach.library.catalogue.areas)
        if area is None:  # "my neck is stiff": no routine is for it
            return conversation.say("unknown_area")
        if area == BALANCE_AREA:
            return about_an_exercise(
                conversation, here="balance", named="balance", unnamed="balance_general"
            )
        return conversation.say("conversation", key="area_in_routine")


class PlanYesHandler(PlanningHandler):
    """'Yes' to an offered plan: start it (with remembered levels, in concise mode if set)."""

    intents = ("AMAZON.YesIntent",)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if not is_intent_name("AMAZON.YesIntent")(handler_input):
            return False
        offer = Conversation(handler_input, self.coach).offer
        return offer is not None and offer["kind"] == PLAN_OFFER

    def reply(self, conversation: Conversation) -> Response:
        routine_id = (conversation.offer or {}).get("id", "")
        try:
            self.coach.library.plan(routine_id)
        except KeyError:
            conversation.drop_offer()
            return conversation.say("what_now")
        return conversation.speak_step(conversation.start(routine_id))


class EquipmentHandler(PlanningHandler):
    """'I have a band now', 'no towel': remember it; outside a routine, offer a plan with it.

    'Can I use a pen?': yes when what is named is one of the things the exercises ask for, or
    a word for one (a pen for the pencil, a bath towel for the towel), remembered as had even
    after "I haven't got a pencil" in the same breath; anything else, the skill cannot judge.
    """

    intents = ("EquipmentIntent",)

    def reply(self, conversation: Conversation) -> Response:
        if conversation.slot("use") == (None, True):  # "can I use a belt?": not one of ours
            return conversation.say("conversation", key="use_unknown")
        have, lack, use = remember_equipment(conversation)
        kit = slot_id(conversation, "kit", ("nothing",))
        said = (("use", use), ("have", have), ("lack", lack), ("kit", kit))
        lead = ",".join(f"{what}:{thing}" for what, thing in said if thing)
        if not lead:
            return conversation.say("conversation", key="equipment_not_understood")
        if conversation.in_routine:
            return conversation.say("settings_noted", lead=lead)
        request = plan_request(conversation, wanted=have or use)
        return offer_plan(conversation, self.planner, request, lead)


class LevelHandler(PlanningHandler):
    """'Something easier', 'this is too hard', 'too easy', 'normal level'.

    In a routine: one step easier or harder for the current exercise, from the next turn,
    remembered for that exercise. Outside one: the person's level, remembered, and a plan.
    """

    intents = ("LevelIntent",)
    steps: ClassVar[dict[str, int]] = {"gentle": -1, "harder": 1}
    #: What the person said of the exercise, as the level they want: "this is hard" wants it
    #: gentler, "this is easy" harder (the same words asked for, "make it easy", mean the
    #: opposite, so they come in another slot).
    verdicts: ClassVar[dict[str, str]] = {"too_hard": "gentle", "too_easy": "harder"}

    def reply(self, conversation: Conversation) -> Response:
        level = self.level_wanted(conversation)
        if level is None:
            return conversation.say("conversation", key="level_not_understood")
        if conversation.in_routine:
            return self._change_exercise(conversation, level)
        conversation.settings.level = level
        lead = f"level:{level}"
        return offer_plan(conversation, self.planner, plan_request(conversation), lead)

    def level_wanted(self, conversation: Conversation) -> str | None:
        """The level asked for, or wanted by what was said of the exercise; None if unclear.

        A sample that names no level at all says the exercise is beyond the person ("I can't
        balance", "I don't think I can manage that one"): one step gentler. Words said for a
        slot that match no value are unclear, and the person is asked.
        """
        level, said_level = conversation.slot("level")
        if level in LEVELS:
            return level
        verdict, said_verdict = conversation.slot("verdict")
        if verdict in self.verdicts:
            return self.verdicts[verdict]
        return None if said_level or said_verdict else "gentle"

    def _change_exercise(self, conversation: Conversation, asked: str) -> Response:
        library = self.coach.library
        position = conversation.in_routine
        assert position is not None
        item = self.coach.routine(position).items[position.item]
        exercise_id = item.exercise.id
        levels = library.levels_of(position.routine_id)
        current = levels.get(exercise_id, "standard")
        step = self.steps.get(asked)
        level = (
            LEVELS[min(max(LEVELS.index(current) + step, 0), len(LEVELS) - 1)]
            if step
            else "standard"
        )
        routine_id = library.with_levels(position.routine_id, {**levels, exercise_id: level})
        if library.plan(routine_id).items[position.item] == item:
            return conversation.say("level_exercise", level=asked, changed=False)
        remembered = conversation.settings.exercise_levels
        remembered.pop(exercise_id, None)
        if level != "standard":
            remembered[exercise_id] = level
        part = self._next_part(position, routine_id)
        # what comes next is in the new dose's first turn: wait there, 'resume' coaches it
        moved = (
            replace(position, routine_id=routine_id, part=0, paused=True, ends_at=None)
            if part is None
            else replace(position, routine_id=routine_id, part=part)
        )
        conversation.set_position(moved)
        return conversation.say("level_exercise", level=level, changed=True)

    def _next_part(self, position: Position, routine_id: str) -> int | None:
        """Where to stand in the new dose so that 'next' plays what comes after this turn.

        None when what comes next is in the new dose's first part.
        """
        old_routine, new_routine = self.coach.routine(position), self.coach.library.plan(routine_id)
        old_parts = self.coach.parts(old_routine, position.item)
        new_parts = self.coach.parts(new_routine, position.item)
        if position.part + 1 >= len(old_parts):  # this exercise is done: next is the next one
            return len(new_parts) - 1
        following = old_parts[position.part + 1][0]
        block = (following.set_number, following.side, following.variation)
        index = next(
            (
                i
                for i, part in enumerate(new_parts)
                if any((s.set_number, s.side, s.variation) == block for s in part)
            ),
            0,
        )
        return index - 1 if index > 0 else None


class PostureHandler(PlanningHandler):
    """'I can't get down on the floor', 'can I do these sitting down', 'do I have to stand'.

    What a person says they cannot do ('avoid' one posture, or 'only' one) is remembered, as
    equipment is, and plans leave those exercises out from then on. A question ('ask' for a
    posture, or whether they 'need' one) shapes only the plan offered now. In a routine: how
    the exercise under way is done, and a way out if that is not how the person can do it.
    """

    intents = ("PostureIntent",)
    #: The slots, in the order they are read: one is filled at a time.
    slots = ("avoid", "only", "ask", "need")

    def reply(self, conversation: Conversation) -> Response:
        postures = self.coach.library.catalogue.posture_ids
        said = ((what, slot_id(conversation, what, postures)) for what in self.slots)
        what, posture = next(((w, p) for w, p in said if p is not None), ("", None))
        if posture is None:
            return conversation.say("conversation", key="posture_not_understood")
        settings = conversation.settings
        if what == "avoid":
            settings.avoids([posture])
        elif what == "only":
            settings.avoid = [p for p in postures if p != posture]
        lead = f"{what}:{posture}"
        if conversation.in_routine:
            return conversation.say("posture_in_routine", lead=lead)
        # "can I do those sitting down instead?" of a plan just offered for the knees: the
        # new plan is for the knees too
        offer = conversation.offer or {}
        offered = offer.get("id", "") if offer.get("kind") == PLAN_OFFER else ""
        request = plan_request(conversation, area=self.coach.library.plan_area(offered))
        if what == "ask":
            request = replace(request, avoid=frozenset(p for p in postures if p != posture))
        elif what == "need":
            request = replace(request, avoid=request.avoid | {posture})
        return offer_plan(conversation, self.planner, request, lead)


class SessionLengthHandler(PlanningHandler):
    """'Is there a shorter one?', 'I'm in a hurry', 'something longer': a session shorter or
    longer than the one on offer, or than usual; in a routine, how long it has left and how
    to make it shorter.

    The plan keeps what the person asked of the one on offer (its body area) and what is
    remembered of them (equipment, level, postures). When there is nothing shorter or longer
    to make, the offer stands and the person hears so.
    """

    intents = ("ShorterSessionIntent", "LongerSessionIntent")

    def reply(self, conversation: Conversation) -> Response:
        intent = conversation.input.request_envelope.request.intent.name
        change = "longer" if intent == "LongerSessionIntent" else "shorter"
        if conversation.in_routine:
            return conversation.say("length_in_routine", change=change)
        offered, area = self._offered(conversation)
        request = plan_request(conversation, area=area)
        if offered is None:  # shorter or longer than usual
            usual = self.coach.library.catalogue.default_minutes * 60
            plan = self.planner.resized(request, usual, change)
            return offer_plan(conversation, self.planner, request, plan=plan)
        seconds = self.planner.spoken_seconds(offered)  # as the planner measures its plans
        plan = self.planner.resized(request, seconds, change)
        if plan is None:
            return conversation.say("length_limit", change=change)
        return offer_plan(conversation, self.planner, request, f"length:{change}", plan)

    def _offered(self, conversation: Conversation) -> tuple[str | None, str | None]:
        """The routine on offer (a plan or a named routine), and the area a plan is for."""
        offer = conversation.offer or {}
        routine_id = offer.get("id", "")
        if offer.get("kind") not in (PLAN_OFFER, "routine") or not routine_id:
            return None, None
        try:
            self.coach.library.plan(routine_id)
        except KeyError:
            return None, None
        area = None
        if routine_id.startswith(PLAN_PREFIX):
            area = routine_id.removeprefix(PLAN_PREFIX).partition(":")[0]
        return routine_id, (area if area != ANY_AREA else None)


def plan_handlers(coach: Coach) -> list[ConversationHandler]:
    """Registered before the general handlers: PlanYesHandler takes 'yes' to a plan offer."""
    return [
        kind(coach)
        for kind in (
            PlanRoutineHandler,
            AreaTroubleHandler,
            PlanYesHandler,
            EquipmentHandler,
            LevelHandler,
            PostureHandler,
            SessionLengthHandler,
        )
    ]
