"""Echo devices beyond the plain speaker: a recognised person, a screen.

``Device`` is the simulated Echo of ``echo.py`` with what Alexa adds to every request on such a
device: ``context.System.person`` when it recognises the speaker, and the
``Alexa.Presentation.APL`` interface with a viewport when the device has a screen.
"""

from __future__ import annotations

from typing import Any

from echo import Echo
from flask.testing import FlaskClient

#: Echo Show 8 as Alexa describes it (context.Viewports), and the APL interface it reports.
SHOW_VIEWPORT = {
    "type": "APL",
    "id": "medHub",
    "shape": "RECTANGLE",
    "dpi": 160,
    "presentationType": "STANDARD",
    "canRotate": False,
    "configuration": {
        "current": {
            "mode": "HUB",
            "video": {"codecs": ["H_264_42", "H_264_41"]},
            "size": {"type": "DISCRETE", "pixelWidth": 1280, "pixelHeight": 800},
        }
    },
}
APL_INTERFACE = {"runtime": {"maxVersion": "2024.3"}}


class Device(Echo):
    """One Echo on an account; ``person_id`` is who Alexa recognised, ``screen`` if it has one."""

    def __init__(
        self,
        client: FlaskClient,
        person_id: str | None = None,
        screen: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(client, **kwargs)
        self.person_id = person_id
        self.screen = screen

    def envelope(self, request: dict[str, Any], template: str = "intent.json") -> dict[str, Any]:
        data = super().envelope(request, template)
        system = data["context"]["System"]
        if self.person_id:
            system["person"] = {
                "personId": self.person_id,
                "personAccessToken": "local-test-person-token",
            }
        if self.screen:
            system["device"]["supportedInterfaces"]["Alexa.Presentation.APL"] = APL_INTERFACE
            data["context"]["Viewports"] = [SHOW_VIEWPORT]
        return data

