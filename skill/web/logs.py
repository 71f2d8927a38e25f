"""Where the web endpoint's own log lines go, with everything from a request escaped.

Log lines quote what requests carry (Alexa's error messages, intent names, reasons for a
refusal). A newline in a SessionEndedRequest's ``error.message`` wrote a second, forged line
that looked like the server's own. The formatter here escapes control characters (and the
Unicode line separators) in every message, so one record is always one line; tracebacks keep
their own line breaks. gunicorn's own loggers keep their handlers; this one is for ``skill.*``
and anything else that reaches the root logger.
"""

from __future__ import annotations

import logging
import re
import sys

#: C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
LOG_FORMAT = "[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s"


def escape_for_log(text: str) -> str:
    """``text`` with every character that could break or forge a log line written as an escape."""
    return _UNSAFE.sub(lambda m: repr(m.group())[1:-1], text)


class EscapingFormatter(logging.Formatter):
    """A Formatter whose messages are always one line, whatever the arguments held."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_for_log(record.message)
        return super().formatMessage(record)


def log_to_stderr(level: int = logging.INFO) -> None:
    """Send the root logger's records to stderr through the escaping formatter, once.

    Without a handler, Python's last-resort handler printed WARNING and above raw and dropped
    INFO. Called when the WSGI app is built (gunicorn) and by ``footcoach serve``.
    """
    root = logging.getLogger()
    if any(isinstance(h.formatter, EscapingFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(EscapingFormatter(LOG_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
