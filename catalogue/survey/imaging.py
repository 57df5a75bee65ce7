"""Render FITS image data to 8-bit PNG/GIF with a zscale stretch (astropy + Pillow)."""

import io

import numpy as np
from astropy.visualization import ZScaleInterval
from PIL import Image


def zscale_limits(data):
    """astropy zscale (low, high) of the finite values of `data`; None if none."""
    values = np.asarray(data, dtype=float)
    values = values[np.isfinite(values)]
    if not values.size:
        return None
    return ZScaleInterval().get_limits(values)


def zscale_to_uint8(plane, limits=None):
    """Map a 2-D array to 0–255 with zscale limits (computed unless given); NaN → 0."""
    data = np.asarray(plane, dtype=float)
    finite = np.isfinite(data)
    limits = limits or zscale_limits(data)
    if limits is None:
        return np.zeros(data.shape, dtype=np.uint8)
    low, high = limits
    if high <= low:
        high = low + 1.0
    scaled = np.clip((np.where(finite, data, low) - low) / (high - low), 0.0, 1.0)
    return (scaled * 255).astype(np.uint8)


def plane_to_image(plane, size=None, limits=None):
    """Grey-scale Pillow image of one plane, FITS row 0 at the bottom."""
    image = Image.fromarray(np.flipud(zscale_to_uint8(plane, limits)), mode="L")
    if size:
        image = image.resize(size, Image.Resampling.NEAREST)
    return image


def png_bytes(plane, size=None, limits=None):
    """PNG bytes of one zscaled plane (its own zscale unless `limits` given)."""
    buffer = io.BytesIO()
    plane_to_image(plane, size, limits).save(buffer, format="PNG")
    return buffer.getvalue()


def gif_bytes(cube, size=None, frame_ms=200):
    """Animated GIF bytes of a cube's planes (axis 0), one stretch for all frames."""
    limits = zscale_limits(cube)
    frames = [plane_to_image(plane, size, limits) for plane in cube]
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=frame_ms,
        loop=0,
    )
    return buffer.getvalue()
