"""The privacy policy and terms of use: Markdown in ``content/legal/``, served as HTML pages.

Amazon's certification opens both links from the skill's store page, usually on a phone, so
each page is one plain, self-contained HTML document: no scripts, no external stylesheet or
font, text at a readable size that wraps to any width. The web app serves them at
``/privacy`` and ``/terms``; ``footcoach pages --out DIR`` writes the same files for a static
host when the skill runs on Lambda. Markdown is rendered by markdown-it-py with raw HTML
turned off, so the pages hold only what the Markdown says.
"""

from __future__ import annotations

import base64
import hashlib
import html
from functools import cache
from pathlib import Path

from markdown_it import MarkdownIt

from skill.library import content_dir
from skill.values import Value, value_class

#: Page name (its URL path and file stem) -> the Markdown file it is rendered from.
PAGES = {"privacy": "privacy.md", "terms": "terms.md"}

STYLE = """\
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: #fff; color: #111;
  font: 18px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 40rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 1.75rem; line-height: 1.25; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.3rem; line-height: 1.3; margin: 2rem 0 0.5rem; }
p, li { overflow-wrap: break-word; }
li { margin: 0.4rem 0; }
a { color: #0645ad; }
"""
#: For the page's Content-Security-Policy: the one inline style, and nothing else, may run.
STYLE_HASH = "sha256-" + base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
CONTENT_SECURITY_POLICY = f"default-src 'none'; style-src '{STYLE_HASH}'"

_TEMPLATE = """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<main>
{body}</main>
</body>
</html>
"""


class PageError(ValueError):
    """A legal page cannot be rendered; the message names the file."""


@value_class
class Page(Value):
    name: str
    title: str
    html: str


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "typographer": False})


def render(markdown: str, source: str = "<text>") -> Page:
    """The HTML page for one Markdown document; its title is the document's first heading."""
    parser = _markdown()
    tokens = parser.parse(markdown)
    titles = [
        tokens[i + 1].content
        for i, token in enumerate(tokens)
        if token.type == "heading_open" and token.tag == "h1"
    ]
    if not titles:
        raise PageError(f"{source} has no '# title' heading")
    body = parser.renderer.render(tokens, parser.options, {})
    document = _TEMPLATE.format(title=html.escape(titles[0]), style=STYLE, body=body)
    return Page(Path(source).stem, titles[0], document)


@cache
def load_page(name: str, root: Path | None = None) -> Page:
    """The rendered page ``name`` (a key of PAGES), from ``content/legal/``."""
    path = (root or content_dir()) / "legal" / PAGES[name]
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PageError(f"cannot read {path}: {exc}") from exc
    page = render(text, str(path))
    return Page(name, page.title, page.html)


def write_pages(out_dir: Path, root: Path | None = None) -> list[Path]:
    """Write ``privacy/index.html`` and ``terms/index.html`` (and ``.html`` twins) to out_dir.

    Both shapes are written so ``https://HOST/privacy`` works on static hosts that map a
    folder to its index (S3 websites, GitHub Pages, nginx) and on those that add ``.html``.
    """
    written = []
    for name in PAGES:
        page = load_page(name, root)
        for path in (out_dir / name / "index.html", out_dir / f"{name}.html"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(page.html, encoding="utf-8")
            written.append(path)
    return written
