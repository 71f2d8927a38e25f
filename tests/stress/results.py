"""Write one section of tests/RESULTS.md, leaving the other scripts' sections as they are."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

RESULTS = Path(__file__).resolve().parent.parent / "RESULTS.md"
HEADER = (
    "# Stress results\n"
    "\n"
    "Written by the scripts in tests/stress/ (each replaces its own section); the CI-sized\n"
    "versions of the same checks run in tests/test_fuzz.py, tests/test_faults.py and\n"
    "tests/test_load.py.\n"
    "\n"
    "A fuzz failure is a 5xx; a 200 Alexa would refuse (not JSON, no version or response, SSML\n"
    "not well-formed or over 8000 characters, a break over 10 s, over 24 KB, an open session\n"
    "without a reprompt); a well-formed request answered with a non-200 or by the catch-all error\n"
    "handler; or stored progress that is not a clean record. A 4xx for a damaged request is fine.\n"
    "A load error is a non-200, an unplayable answer, a storage apology or a dropped connection.\n"
)


def revision() -> str:
    """The commit the run was made on (the working tree may hold others' edits too)."""
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=RESULTS.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or "unknown"


def write_section(name: str, body: str, path: Path = RESULTS) -> None:
    """Replace the section between ``<!-- name -->`` markers (appending it the first time)."""
    text = path.read_text() if path.exists() else HEADER
    section = f"<!-- {name} -->\n{body.strip()}\n<!-- /{name} -->"
    pattern = re.compile(rf"<!-- {re.escape(name)} -->.*?<!-- /{re.escape(name)} -->", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text)
