"""The skill's store icons: a white footprint on deep teal, drawn by code so anyone can redraw them.

Amazon asks for two PNG icons, 108 x 108 and 512 x 512 pixels (the manifest's
``smallIconUri`` and ``largeIconUri``); the Alexa app shows them small, often cropped to a
circle. So the mark is one simple shape, a sole and five toes, white on an opaque dark
background (contrast far above WCAG's 7:1), kept inside the central circle, with nothing
that needs to be read. It is drawn once large and scaled down with a Lanczos filter, so the
small icon is smooth, and the same Pillow version draws the same bytes every time:
``footcoach icons`` rewrites the committed files and a test checks that they match.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw

#: Manifest field -> the icon's side in pixels.
ICON_SIZES = {"smallIconUri": 108, "largeIconUri": 512}
#: Where the icons live inside the skill package, and how the manifest points at them.
ICONS_SUBDIR = Path("assets") / "images"
ICON_FILES = {field: f"footcoach-{size}.png" for field, size in ICON_SIZES.items()}

BACKGROUND = (11, 79, 92)  # deep teal
FOREGROUND = (255, 255, 255)
#: The drawing's side before scaling down.
CANVAS = 1024
#: The footprint leans a little, as a step does.
TILT_DEGREES = -14.0

# The footprint in units of the canvas side: (centre x, centre y, radius x, radius y).
SOLE_FRONT = (0.53, 0.55, 0.165, 0.17)
SOLE_HEEL = (0.49, 0.76, 0.125, 0.13)
TOES = (
    (0.40, 0.275, 0.07, 0.08),  # big toe
    (0.52, 0.235, 0.045, 0.05),
    (0.61, 0.255, 0.04, 0.045),
    (0.685, 0.30, 0.035, 0.04),
    (0.74, 0.365, 0.031, 0.035),
)


def _box(cx: float, cy: float, rx: float, ry: float) -> tuple[float, float, float, float]:
    return ((cx - rx) * CANVAS, (cy - ry) * CANVAS, (cx + rx) * CANVAS, (cy + ry) * CANVAS)


def footprint_mask() -> Image.Image:
    """The footprint as a white-on-black mask of the full canvas, tilted, centred."""
    mask = Image.new("L", (CANVAS, CANVAS), 0)
    draw = ImageDraw.Draw(mask)
    for ellipse in (SOLE_FRONT, SOLE_HEEL):
        draw.ellipse(_box(*ellipse), fill=255)
    front_x, front_y, front_rx, _ = SOLE_FRONT
    heel_x, heel_y, heel_rx, _ = SOLE_HEEL
    draw.polygon(  # the midfoot joining the two
        [
            ((front_x - front_rx) * CANVAS, front_y * CANVAS),
            ((front_x + front_rx) * CANVAS, front_y * CANVAS),
            ((heel_x + heel_rx) * CANVAS, heel_y * CANVAS),
            ((heel_x - heel_rx) * CANVAS, heel_y * CANVAS),
        ],
        fill=255,
    )
    for toe in TOES:
        draw.ellipse(_box(*toe), fill=255)
    tilted = mask.rotate(TILT_DEGREES, resample=Image.Resampling.BICUBIC, center=_centre(mask))
    return tilted


def _centre(mask: Image.Image) -> tuple[float, float]:
    left, top, right, bottom = mask.getbbox() or (0, 0, CANVAS, CANVAS)
    return ((left + right) / 2, (top + bottom) / 2)


def draw_icon(size: int) -> Image.Image:
    """The icon at ``size`` x ``size`` pixels, RGB."""
    mask = footprint_mask()
    left, top, right, bottom = mask.getbbox() or (0, 0, CANVAS, CANVAS)
    # Centre the mark: shift its bounding box onto the canvas centre.
    shift = (CANVAS / 2 - (left + right) / 2, CANVAS / 2 - (top + bottom) / 2)
    centred = Image.new("L", (CANVAS, CANVAS), 0)
    centred.paste(mask, (round(shift[0]), round(shift[1])))
    icon = Image.new("RGB", (CANVAS, CANVAS), BACKGROUND)
    icon.paste(Image.new("RGB", (CANVAS, CANVAS), FOREGROUND), (0, 0), centred)
    return icon.resize((size, size), Image.Resampling.LANCZOS)


def icon_png(size: int) -> bytes:
    """The icon's PNG bytes, the same for the same Pillow version."""
    buffer = io.BytesIO()
    draw_icon(size).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def write_icons(package_dir: Path) -> list[Path]:
    """Write both icons into ``package_dir/assets/images/``; returns their paths."""
    directory = package_dir / ICONS_SUBDIR
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for field, size in ICON_SIZES.items():
        path = directory / ICON_FILES[field]
        path.write_bytes(icon_png(size))
        written.append(path)
    return written


def icon_uri(field: str) -> str:
    """How skill.json points at a packaged icon: ASK CLI uploads ``file://`` package paths."""
    return f"file://{(ICONS_SUBDIR / ICON_FILES[field]).as_posix()}"
