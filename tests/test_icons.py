"""The store icons: drawn by `footcoach icons`, the right sizes, clear and high contrast.

Amazon wants 108 x 108 and 512 x 512 PNG icons; the Alexa app shows them small and often
cropped to a circle. These tests measure what a person would see: a light mark on a dark
ground with strong contrast, big enough to read at 108 pixels, inside the circle.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image, ImageChops, ImageDraw

from skill.cli import main
from skill.packaging import skill_package
from skill.packaging.icons import ICON_FILES, ICON_SIZES, ICONS_SUBDIR, icon_png
from skill.packaging.skill_package import SKILL_PACKAGE_DIR

COMMITTED = {
    size: SKILL_PACKAGE_DIR / ICONS_SUBDIR / ICON_FILES[field] for field, size in ICON_SIZES.items()
}


def luminance(rgb: tuple[int, ...]) -> float:
    """WCAG relative luminance of an sRGB colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("size", sorted(COMMITTED))
def test_the_committed_icons_are_png_at_their_size(size):
    with Image.open(COMMITTED[size]) as icon:
        assert icon.format == "PNG"
        assert icon.size == (size, size)


@pytest.mark.parametrize("size", sorted(COMMITTED))
def test_the_icons_are_exactly_what_the_script_draws(size):
    """Reproducible: `footcoach icons` redraws the same bytes (pinned Pillow)."""
    assert COMMITTED[size].read_bytes() == icon_png(size), "run `footcoach icons`"


@pytest.mark.parametrize("size", sorted(COMMITTED))
def test_the_mark_is_high_contrast_and_large_enough_to_read(size):
    with Image.open(COMMITTED[size]) as opened:
        icon = opened.convert("RGB")
    colours = icon.getcolors(maxcolors=size * size)  # (count, colour) for each colour used
    background = icon.getpixel((0, 0))
    lightest = max((colour for _, colour in colours), key=luminance)
    assert contrast(lightest, background) >= 7  # WCAG AAA
    marked = sum(count for count, colour in colours if contrast(colour, background) >= 3)
    mark = marked / (size * size)
    assert 0.15 <= mark <= 0.5, f"the mark covers {mark:.0%} of the icon"


@pytest.mark.parametrize("size", sorted(COMMITTED))
def test_the_mark_survives_a_circular_crop(size):
    with Image.open(COMMITTED[size]) as opened:
        icon = opened.convert("RGB")
    background = icon.getpixel((0, 0))
    outside = ImageChops.difference(icon, Image.new("RGB", icon.size, background)).convert("L")
    margin = size * 0.04  # the mark stays inside a circle of 92% of the side
    ImageDraw.Draw(outside).ellipse((margin, margin, size - margin, size - margin), fill=0)
    assert outside.point(lambda v: 255 if v > 16 else 0).getbbox() is None


def test_the_icons_command_writes_both(tmp_path, monkeypatch):
    monkeypatch.setattr(skill_package, "SKILL_PACKAGE_DIR", tmp_path)
    result = CliRunner().invoke(main, ["icons"])
    assert result.exit_code == 0, result.output
    for size, committed in COMMITTED.items():
        drawn: Path = tmp_path / ICONS_SUBDIR / committed.name
        assert drawn.read_bytes() == committed.read_bytes(), size
