"""The AWS Lambda entry point: ``skill.lambda_function.handler``.

Lambda hands the Alexa request to ``handler`` as a dict; it goes through the same skill object
the web endpoint uses (``build_skill``), so there is one skill however it is hosted. Request
verification is not needed here: only the Alexa Skills Kit trigger, restricted to our skill id
in deploy/template.yaml, can invoke the function, and ask-sdk-core checks the application id of
every request again against ``FOOTCOACH_SKILL_ID``.

The skill is built when the module is imported, during Lambda's init phase, once per
container: content is loaded and checked and the store opened before the first person waits,
and every later invocation in that container reuses them.

Environment:
    FOOTCOACH_DB        where progress is kept; the template sets ``dynamodb://TABLE?region=…``
    FOOTCOACH_SKILL_ID  the Alexa skill id; requests for any other skill are refused
"""

from __future__ import annotations

import gc
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ask_sdk_core.skill import CustomSkill

DB_ENV = "FOOTCOACH_DB"
SKILL_ID_ENV = "FOOTCOACH_SKILL_ID"


def skill_from_environment() -> CustomSkill:
    """The skill with the store and skill id the function's environment names.

    There is no default store: a Lambda container's disk is thrown away with the container, so
    progress kept there would be silently forgotten. There is no default skill id either: the
    trigger's skill-id condition is one guard, the SDK's check is the second.
    """
    # imported here, so that _started imports them with the collector off
    from skill.alexa.skill_builder import build_skill
    from skill.storage import open_storage

    setting = os.environ.get(DB_ENV)
    if not setting:
        raise RuntimeError(f"{DB_ENV} is not set: name the store, e.g. dynamodb://TABLE?region=…")
    skill_id = os.environ.get(SKILL_ID_ENV, "").strip()
    if not skill_id:  # the SDK would skip its application-id check: fail closed, as the web does
        raise RuntimeError(
            f"{SKILL_ID_ENV} is not set: without it requests for any skill would be answered;"
            " set it to the skill id, amzn1.ask.skill.<uuid>"
        )
    return build_skill(open_storage(setting), skill_id=skill_id)


def _started() -> tuple[CustomSkill, Any, Any]:
    """The skill, and what ``handler`` reads a request with, imported and built with Python's
    cyclic garbage collector off.

    Start-up makes a few hundred thousand objects (modules, classes, content) and frees almost
    none: the collections it triggers find nothing and were a tenth of a cold start. After it,
    what start-up made is frozen out of later collections (``gc.freeze``), which then only look
    at what a request makes. Reference counting frees memory as always throughout.
    """
    gc.disable()
    try:
        from ask_sdk_model import RequestEnvelope

        from skill.alexa.model_json import read_request

        return skill_from_environment(), read_request, RequestEnvelope
    finally:
        gc.freeze()
        gc.enable()


skill, _read_request, _RequestEnvelope = _started()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer one Alexa request (the event) with the response envelope, as a dict.

    What ``CustomSkillBuilder.lambda_handler()`` does, but on the one skill built above rather
    than a new ``CustomSkill`` per request.
    """
    envelope = _read_request(skill.serializer, event, _RequestEnvelope)
    response = skill.invoke(request_envelope=envelope, context=context)
    return skill.serializer.serialize(response)
