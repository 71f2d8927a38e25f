"""GET /privacy and GET /terms: the skill's privacy policy and terms of use, as plain HTML.

The skill package links to these pages (``footcoach package --base-url``), so a skill served
by this app publishes its own policies at the same host as its endpoint.
"""

from __future__ import annotations

from flask import Blueprint, Response

from skill.legal import CONTENT_SECURITY_POLICY, PAGES, load_page

pages = Blueprint("pages", __name__)


def _page(name: str) -> Response:
    response = Response(load_page(name).html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


for _name in PAGES:
    pages.add_url_rule(f"/{_name}", _name, lambda name=_name: _page(name), methods=["GET"])
