"""The privacy policy and terms of use: served at /privacy and /terms, and readable on a phone.

Amazon's reviewers open both links from the store page, usually on a phone. The pages are
fetched from the real Flask app and checked for what they must say; then headless Chromium
(Debian's `chromium`, installed by .ci/run) opens them at a phone's width and the rendered
page is measured: every heading shown, no sideways scrolling, text at least 16 px.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from skill.cli import main
from skill.legal import PageError, load_page, render
from skill.web.app import WebConfig, create_app

PHONE_WIDTH_PX = 390
MIN_FONT_PX = 16
HEADINGS = {
    "privacy": [
        "Foot Coach privacy policy",
        "What Foot Coach keeps",
        "What Foot Coach never keeps",
        "Where it is kept",
        "How long, and how to delete it",
        "Who it is shared with",
    ],
    "terms": [
        "Foot Coach terms of use",
        "What Foot Coach is",
        "It is not medical advice",
        "Your use of the skill",
    ],
}


class Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self._open = tag
            self.found.append((tag, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            tag, text = self.found[-1]
            self.found[-1] = (tag, text + data)


def headings(page_html: str) -> list[tuple[str, str]]:
    parser = Headings()
    parser.feed(page_html)
    return parser.found


@pytest.fixture
def client(tmp_path):
    return create_app(WebConfig(db=str(tmp_path / "p.sqlite3"), verify=False)).test_client()


@pytest.mark.parametrize("name", sorted(HEADINGS))
def test_the_page_is_served_with_its_headings(client, name):
    response = client.get(f"/{name}")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.mimetype_params["charset"] == "utf-8"
    found = headings(response.get_data(as_text=True))
    assert found[0] == ("h1", HEADINGS[name][0])
    assert [tag for tag, _ in found].count("h1") == 1
    assert set(HEADINGS[name][1:]) <= {text for tag, text in found if tag == "h2"}
    assert f"<title>{HEADINGS[name][0]}</title>" in response.get_data(as_text=True)


def test_the_pages_allow_no_script_and_no_outside_resource(client):
    response = client.get("/privacy")
    policy = response.headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'none'")
    assert "script" not in policy
    assert "<script" not in response.get_data(as_text=True)


def test_the_privacy_policy_says_what_is_kept_where_and_how_to_delete_it(client):
    text = " ".join(client.get("/privacy").get_data(as_text=True).split())
    for needed in [
        "place",  # position
        "settings",
        "streak",
        "exercises it has explained",
        "Nothing you say about your health",
        "never stored",
        "SQLite",
        "DynamoDB",
        "Disable the skill",
        "deletes your account's record",
        "does not sell",
        "no advertising",
    ]:
        assert needed in text, needed


def test_the_terms_carry_the_health_disclaimer(client):
    text = " ".join(client.get("/terms").get_data(as_text=True).split())
    for needed in ["not medical advice", "Stop at once if anything hurts", "physical therapist"]:
        assert needed in text, needed


def test_only_get_is_served(client):
    assert client.post("/privacy").status_code == 405
    assert client.get("/privacy/anything").status_code == 404


def test_raw_html_in_the_markdown_is_shown_as_text_not_run():
    page = render("# Title\n\n<script>alert(1)</script>\n\n<b>bold</b>")
    assert "<script>" not in page.html and "&lt;script&gt;" in page.html
    assert "<b>" not in page.html


def test_a_page_without_a_title_is_refused():
    with pytest.raises(PageError, match="no '# title' heading"):
        render("Just text.", "content/legal/empty.md")


def test_missing_markdown_names_the_file(tmp_path):
    with pytest.raises(PageError, match=r"legal/privacy\.md"):
        load_page("privacy", tmp_path)


def test_the_static_pages_are_the_served_pages(client, tmp_path):
    result = CliRunner().invoke(main, ["pages", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in HEADINGS:
        served = client.get(f"/{name}").get_data(as_text=True)
        assert (tmp_path / name / "index.html").read_text(encoding="utf-8") == served
        assert (tmp_path / f"{name}.html").read_text(encoding="utf-8") == served


# -- in a browser, at a phone's width -----------------------------------------------------------

#: Measures the page as laid out and posts the result to the harness around it.
MEASURE = """
<script>
const blocks = [...document.querySelectorAll('h1, h2, p, li')];
const sizes = blocks.map(e => parseFloat(getComputedStyle(e).fontSize));
const hidden = blocks.filter(e => {
  const box = e.getBoundingClientRect();
  return box.width === 0 || box.height === 0 || box.right > window.innerWidth + 0.5 || box.left < 0;
}).map(e => e.textContent.slice(0, 40));
parent.postMessage(JSON.stringify({
  viewport: window.innerWidth,
  scrollWidth: document.documentElement.scrollWidth,
  minFontPx: Math.min(...sizes),
  headings: [...document.querySelectorAll('h1, h2')].map(e => e.innerText),
  hidden: hidden,
  blocks: blocks.length,
}), '*');
</script>
"""
#: A phone-sized frame: headless Chromium's window is never narrower than 500 px, a frame is.
HARNESS = """<!doctype html>
<html><body style="margin:0">
<iframe src="{page}" style="width:{width}px;height:844px;border:0;display:block"></iframe>
<pre id="measured"></pre>
<script>
addEventListener('message', e => {{ document.getElementById('measured').textContent = e.data; }});
</script>
</body></html>
"""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("headless Chromium is needed: apt-get install chromium (.ci/run does)")
    return found


def browse(url: str, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            "--allow-file-access-from-files",
            "--virtual-time-budget=5000",
            "--window-size=600,900",
            *flags,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def on_a_phone(tmp_path: Path, name: str, page_html: str) -> Path:
    """The page in a file beside a harness that shows it in a 390 px frame."""
    (tmp_path / f"{name}.html").write_text(page_html, encoding="utf-8")
    harness = tmp_path / f"{name}-phone.html"
    harness.write_text(HARNESS.format(page=f"{name}.html", width=PHONE_WIDTH_PX), encoding="utf-8")
    return harness


@pytest.mark.parametrize("name", sorted(HEADINGS))
def test_the_page_is_readable_at_phone_width_in_chromium(client, tmp_path, name):
    """The served HTML, with a measuring script added, laid out by Chromium at 390 px."""
    served = client.get(f"/{name}").get_data(as_text=True)
    harness = on_a_phone(tmp_path, name, served.replace("</body>", MEASURE + "</body>"))
    result = browse(harness.as_uri(), "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    found = re.search(r'<pre id="measured">(.*?)</pre>', result.stdout, re.S)
    assert found and found[1], result.stdout[-2000:]
    measured = json.loads(html.unescape(found[1]))
    assert measured["viewport"] == PHONE_WIDTH_PX
    assert measured["scrollWidth"] <= PHONE_WIDTH_PX, "the page scrolls sideways"
    assert measured["minFontPx"] >= MIN_FONT_PX
    assert measured["hidden"] == []
    assert measured["headings"][0] == HEADINGS[name][0]
    assert set(HEADINGS[name]) <= set(measured["headings"])
    assert measured["blocks"] > 5


@pytest.mark.parametrize("name", sorted(HEADINGS))
def test_a_phone_screenshot_shows_text(client, tmp_path, name):
    """The phone-sized frame of the screenshot is mostly white page with dark text on it."""
    harness = on_a_phone(tmp_path, name, client.get(f"/{name}").get_data(as_text=True))
    shot = tmp_path / f"{name}.png"
    result = browse(harness.as_uri(), f"--screenshot={shot}")
    assert result.returncode == 0, result.stderr[-2000:]
    with Image.open(shot) as image:
        phone = image.convert("L").crop((0, 0, PHONE_WIDTH_PX, min(image.height, 844)))
    histogram = phone.histogram()
    dark = sum(histogram[:96]) / sum(histogram)
    light = sum(histogram[224:]) / sum(histogram)
    assert light > 0.6, "the page is not mostly white"
    assert 0.01 < dark < 0.3, f"{dark:.1%} of the screen is text"
