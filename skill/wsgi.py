"""The WSGI entry point for production: ``gunicorn -c deploy/gunicorn.conf.py skill.wsgi:app``.

The app is configured from the environment (``FOOTCOACH_DB``, ``FOOTCOACH_SKILL_ID``,
``FOOTCOACH_VERIFY``), exactly as ``create_app`` reads it, so the server command never changes
between a laptop and a production host. Building it at import time means broken content or an
unreachable store stops the server at start-up (with gunicorn's ``preload_app``, in the master,
before any worker forks) instead of failing the first person who opens the skill.
"""

from __future__ import annotations

from skill.web.app import create_app
from skill.web.logs import log_to_stderr

log_to_stderr()  # one line per record, request text escaped (issue 11, finding 8)
app = create_app()
