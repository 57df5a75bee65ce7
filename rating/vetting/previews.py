"""Server-rendered previews of stored images, used when Firefly is absent.

A FITS plane becomes a zscale grey-scale PNG (the same stretch Firefly is
asked for, via `catalogue.survey.imaging`), enlarged by a whole factor so small
cutouts are at least `PREVIEW_TARGET_PX` pixels wide. The planes of a cube
share one zscale computed over all of them, so a flare stands out against
the quiet planes and panels can be compared by eye; `stretch="plane"`
scales each plane on its own instead, and `stretch="shared"` uses one
zscale over the deep cutout and the whole cube together, so the two panels
side by side show the same flux as the same grey. Firefly is asked for the
very limits the preview uses (`stretch_limits`), as an absolute range. A
slices GIF can be served frame by frame as PNGs for the page's frame player. Results are
cached under the file's sha256, so a replaced file never shows a stale
preview: in the shared cache, and rendered PNGs also on disk
(`preview_cache_dir`), so a restart or a full cache does not render every
card of the scanning grid again.
"""

import hashlib
import io
import os
import tempfile
from pathlib import Path

import numpy as np
from astropy.io import fits
from django.conf import settings
from django.core.cache import cache
from PIL import Image

from catalogue.survey.imaging import png_bytes, zscale_limits

PREVIEW_TARGET_PX = 256
CACHE_SECONDS = 24 * 3600
# "cube": one zscale over every plane (default); "plane": each on its own;
# "shared": one zscale over the file and its companion (cutout and cube).
STRETCHES = ("cube", "plane", "shared")


class PreviewError(ValueError):
    """The requested plane or frame does not exist, or the file is unreadable."""


def _image_cube(stored_file):
    """The first image HDU's data as a 3-D array (planes, y, x)."""
    with stored_file.file.open("rb") as handle:
        with fits.open(handle, memmap=False) as hdul:
            data = next((hdu.data for hdu in hdul if hdu.data is not None), None)
            if data is None:
                raise PreviewError(f"{stored_file.filename} holds no image data")
            data = np.asarray(data, dtype=float)
    while data.ndim > 3:  # e.g. (stokes, freq, y, x): keep the first of each
        data = data[0]
    if data.ndim == 2:
        data = data[np.newaxis]
    if data.ndim != 3:
        raise PreviewError(f"{stored_file.filename} is not an image")
    return data


def _scale(width, height):
    return max(1, PREVIEW_TARGET_PX // max(width, height, 1))


def fits_plane_count(stored_file):
    """Number of image planes of a stored FITS file (1 for a 2-D image)."""
    key = f"preview:planes:{stored_file.sha256}"
    count = cache.get(key)
    if count is None:
        count = _image_cube(stored_file).shape[0]
        cache.set(key, count, CACHE_SECONDS)
    return count


def stretch_limits(stored_files):
    """The zscale (low, high) over every plane of every file in
    `stored_files` together (cached), in the files' pixel unit; None when
    they hold no finite pixel. One file gives its "cube" stretch; the deep
    cutout and the slices cube give their "shared" stretch."""
    # In a fixed order: zscale samples the pixels with a stride.
    stored_files = sorted(
        (stored for stored in stored_files if stored is not None),
        key=lambda stored: stored.sha256,
    )
    key = "preview:zscale:" + ":".join(stored.sha256 for stored in stored_files)
    limits = cache.get(key)
    if limits is None:
        pixels = np.concatenate(
            [_image_cube(stored).ravel() for stored in stored_files]
        )
        found = zscale_limits(pixels)
        limits = [float(found[0]), float(found[1])] if found is not None else []
        cache.set(key, limits, CACHE_SECONDS)
    return tuple(limits) or None


def preview_cache_dir():
    """Folder of rendered PNGs: `PREVIEW_CACHE_DIR`, else `preview-cache`
    beside MEDIA_ROOT (a cache: deleting it only costs renders)."""
    configured = getattr(settings, "PREVIEW_CACHE_DIR", None)
    return Path(configured or Path(settings.MEDIA_ROOT).parent / "preview-cache")


def _disk_path(key):
    digest = hashlib.sha256(key.encode()).hexdigest()
    return preview_cache_dir() / digest[:2] / f"{digest}.png"


def _write_atomically(path, data):
    """Write `data` to `path` by renaming a complete temporary file into place,
    so a concurrent reader sees the whole PNG or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        raise


def _cached_png(key, render):
    """PNG bytes for `key`: from the cache, else from disk, else `render()`."""
    data = cache.get(key)
    if data is not None:
        return data
    path = _disk_path(key)
    try:
        data = path.read_bytes()
    except OSError:
        data = render()
        try:
            _write_atomically(path, data)
        except OSError:
            pass  # a read-only or full disk only costs the next render
    cache.set(key, data, CACHE_SECONDS)
    return data


def fits_preview_png(stored_file, plane=0, stretch="cube", companion=None):
    """PNG bytes of one zscaled plane of a stored FITS file (cached).

    `stretch` is "cube" (the zscale of all planes together), "plane" or
    "shared" (the zscale of this file and `companion`, the candidate's other
    FITS image, together; the cube's alone when there is no companion).
    """
    if stretch not in STRETCHES:
        raise PreviewError(f"stretch must be one of {', '.join(STRETCHES)}")
    if stretch == "shared" and companion is None:
        stretch = "cube"
    partner = f":{companion.sha256}" if stretch == "shared" else ""

    def render():
        cube = _image_cube(stored_file)
        if not 0 <= plane < cube.shape[0]:
            raise PreviewError(
                f"plane {plane} does not exist (the file has {cube.shape[0]})"
            )
        limits = None
        if stretch == "cube":
            limits = stretch_limits([stored_file])
        elif stretch == "shared":
            try:
                limits = stretch_limits([stored_file, companion])
            except (OSError, ValueError):  # an unreadable companion
                limits = stretch_limits([stored_file])
        return _plane_png(cube, plane, limits)

    key = f"preview:fits:{stored_file.sha256}:{plane}:{stretch}{partner}"
    return _cached_png(key, render)


def _plane_png(cube, plane, limits):
    """One plane as a PNG, scaled up to the preview size, on `limits` (None:
    the plane's own zscale)."""
    height, width = cube.shape[1:]
    factor = _scale(width, height)
    return png_bytes(cube[plane], (width * factor, height * factor), limits)


def peak_plane_index(cube):
    """The plane (from 0) whose central quarter holds the cube's brightest
    finite pixel: where a transient at the cutout's centre peaks."""
    planes, height, width = cube.shape
    centre = cube[
        :, height // 4 : height - height // 4, width // 4 : width - width // 4
    ]
    if centre.size == 0 or not np.isfinite(centre).any():
        return 0
    finite = np.where(np.isfinite(centre), centre, -np.inf)
    return int(np.argmax(finite.reshape(planes, -1).max(axis=1)))


def fits_peak_png(stored_file):
    """PNG bytes of a cube's peak plane (`peak_plane_index`) on the cube's
    zscale (cached): the scanning grid's slices preview."""

    def render():
        cube = _image_cube(stored_file)
        limits = stretch_limits([stored_file])
        return _plane_png(cube, peak_plane_index(cube), limits)

    return _cached_png(f"preview:fitspeak:{stored_file.sha256}", render)


def gif_frame_count(stored_file):
    """Number of frames of a stored GIF."""
    key = f"preview:gifframes:{stored_file.sha256}"
    count = cache.get(key)
    if count is None:
        with stored_file.file.open("rb") as handle, Image.open(handle) as image:
            count = getattr(image, "n_frames", 1)
        cache.set(key, count, CACHE_SECONDS)
    return count


def gif_frame_png(stored_file, frame):
    """PNG bytes of one frame of a stored GIF (cached)."""
    key = f"preview:gif:{stored_file.sha256}:{frame}"
    data = cache.get(key)
    if data is None:
        with stored_file.file.open("rb") as handle, Image.open(handle) as image:
            frames = getattr(image, "n_frames", 1)
            if not 0 <= frame < frames:
                raise PreviewError(
                    f"frame {frame} does not exist (the GIF has {frames})"
                )
            image.seek(frame)
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, format="PNG")
            data = buffer.getvalue()
        cache.set(key, data, CACHE_SECONDS)
    return data
