"""The yardstick: the smallest ask-sdk-core skill, which says "hello" to anything.

It is hosted exactly as Foot Coach is (the same Flask route, gunicorn settings and Lambda-style
handler), so what the benchmarks compare is the cost of our skill, not of the hosting.
"""

from __future__ import annotations

import json
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import RequestEnvelope, Response


class HelloHandler(AbstractRequestHandler):
    """Any launch or intent: say hello and keep listening."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input) or is_request_type("IntentRequest")(
            handler_input
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.speak("hello").ask("hello").response


def build_hello_skill(skill_id: str | None = None) -> CustomSkill:
    builder = CustomSkillBuilder()
    builder.skill_id = skill_id
    builder.add_request_handler(HelloHandler())
    return builder.create()


skill = build_hello_skill()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The Lambda-style entry point, shaped as skill.lambda_function.handler is."""
    envelope = skill.serializer.deserialize(json.dumps(event), RequestEnvelope)
    return skill.serializer.serialize(skill.invoke(request_envelope=envelope, context=context))
