"""A candidate's light curve as points, a server-rendered SVG chart and CSV.

Stored light curves hold UTC MJDs and fluxes in Jy; the page shows peak
flux in mJy against seconds since the observation start, with the local
rms (mJy) as error bars. The SVG needs no JavaScript to read; the page's
script only asks for a re-rendered SVG of a narrower time range (zoom).
"""

import csv
import io
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils.html import escape

UNIX_EPOCH_MJD = 40587.0
SECONDS_PER_DAY = 86400.0
WIDTH, HEIGHT = 760, 300
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 16, 14, 44


@dataclass(frozen=True)
class LightcurvePoint:
    """One integration: seconds since observation start, flux and rms in mJy."""

    mjd: float
    seconds: float
    flux_mjy: float
    rms_mjy: float | None


def datetime_to_mjd(moment):
    return moment.timestamp() / SECONDS_PER_DAY + UNIX_EPOCH_MJD


def mjd_to_datetime(mjd):
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(
        seconds=(mjd - UNIX_EPOCH_MJD) * SECONDS_PER_DAY
    )


def _finite(value):
    return value is not None and math.isfinite(value)


def lightcurve_points(lightcurve, start_time=None):
    """Points of a stored `Lightcurve`; time zero is `start_time` or the first point.

    Points without a finite time or flux are dropped; a missing rms leaves
    the point without an error bar.
    """
    rows = zip(lightcurve.times_mjd, lightcurve.peak_flux_jy, lightcurve.local_rms_jy)
    usable = [(t, f, r) for t, f, r in rows if _finite(t) and _finite(f)]
    if not usable:
        return []
    zero = datetime_to_mjd(start_time) if start_time else min(t for t, _, _ in usable)
    return [
        LightcurvePoint(
            mjd=t,
            seconds=(t - zero) * SECONDS_PER_DAY,
            flux_mjy=f * 1e3,
            rms_mjy=r * 1e3 if _finite(r) else None,
        )
        for t, f, r in usable
    ]


def nice_ticks(low, high, count=6):
    """Round tick values covering [low, high] (about `count` of them)."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    ticks, value = [], first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _label(value):
    return f"{value:g}"


def lightcurve_svg(points, t_min=None, t_max=None):
    """SVG markup (a string) of the points within [t_min, t_max] seconds."""
    visible = [
        p
        for p in points
        if (t_min is None or p.seconds >= t_min)
        and (t_max is None or p.seconds <= t_max)
    ]
    if not visible:
        return (
            f'<svg class="lightcurve-svg" viewBox="0 0 {WIDTH} 60" role="img">'
            '<text x="10" y="35">No light-curve points in this time range.</text></svg>'
        )
    x_low = t_min if t_min is not None else min(p.seconds for p in visible)
    x_high = t_max if t_max is not None else max(p.seconds for p in visible)
    if x_high <= x_low:
        x_low, x_high = x_low - 1.0, x_high + 1.0
    lows = [p.flux_mjy - (p.rms_mjy or 0.0) for p in visible]
    highs = [p.flux_mjy + (p.rms_mjy or 0.0) for p in visible]
    pad = (max(highs) - min(lows)) * 0.06 or 1.0
    y_low, y_high = min(lows) - pad, max(highs) + pad
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

    def x_of(seconds):
        return MARGIN_LEFT + plot_w * (seconds - x_low) / (x_high - x_low)

    def y_of(flux):
        return MARGIN_TOP + plot_h * (1 - (flux - y_low) / (y_high - y_low))

    parts = [
        f'<svg class="lightcurve-svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="Peak flux (mJy) against time since observation start (s)" '
        f'data-t-min="{x_low:.6g}" data-t-max="{x_high:.6g}" '
        f'data-plot-left="{MARGIN_LEFT}" data-plot-width="{plot_w}" '
        f'data-width="{WIDTH}">',
        f'<rect class="lc-frame" x="{MARGIN_LEFT}" y="{MARGIN_TOP}" '
        f'width="{plot_w}" height="{plot_h}"/>',
    ]
    for tick in nice_ticks(x_low, x_high):
        if x_low <= tick <= x_high:
            x = x_of(tick)
            parts.append(
                f'<line class="lc-grid" x1="{x:.1f}" y1="{MARGIN_TOP}" x2="{x:.1f}" '
                f'y2="{MARGIN_TOP + plot_h}"/><text class="lc-tick" x="{x:.1f}" '
                f'y="{MARGIN_TOP + plot_h + 16}" text-anchor="middle">{_label(tick)}'
                "</text>"
            )
    for tick in nice_ticks(y_low, y_high):
        if y_low <= tick <= y_high:
            y = y_of(tick)
            parts.append(
                f'<line class="lc-grid" x1="{MARGIN_LEFT}" y1="{y:.1f}" '
                f'x2="{MARGIN_LEFT + plot_w}" y2="{y:.1f}"/><text class="lc-tick" '
                f'x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
                f"{_label(tick)}</text>"
            )
    bars = "".join(
        f"M{x_of(p.seconds):.1f} {y_of(p.flux_mjy - p.rms_mjy):.1f}"
        f"V{y_of(p.flux_mjy + p.rms_mjy):.1f}"
        for p in visible
        if p.rms_mjy is not None
    )
    if bars:
        parts.append(f'<path class="lc-error" d="{bars}"/>')
    for p in visible:
        rms = f" ± {p.rms_mjy:.3f}" if p.rms_mjy is not None else ""
        parts.append(
            f'<circle class="lc-point" cx="{x_of(p.seconds):.1f}" '
            f'cy="{y_of(p.flux_mjy):.1f}" r="3"><title>'
            f"t = {p.seconds:.1f} s: {p.flux_mjy:.3f}{escape(rms)} mJy</title></circle>"
        )
    parts.append(
        f'<text class="lc-axis" x="{MARGIN_LEFT + plot_w / 2:.0f}" '
        f'y="{HEIGHT - 6}" text-anchor="middle">Time since observation start (s)'
        f'</text><text class="lc-axis" transform="translate(14 '
        f'{MARGIN_TOP + plot_h / 2:.0f}) rotate(-90)" text-anchor="middle">'
        "Peak flux (mJy)</text></svg>"
    )
    return "".join(parts)


def lightcurve_csv(points):
    """CSV text: UTC time, MJD, seconds since start, peak flux and rms (mJy)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "time_utc",
            "time_mjd",
            "seconds_since_start",
            "peak_flux_mjy",
            "local_rms_mjy",
        ]
    )
    for p in points:
        writer.writerow(
            [
                mjd_to_datetime(p.mjd).isoformat(timespec="milliseconds"),
                f"{p.mjd:.8f}",
                f"{p.seconds:.3f}",
                f"{p.flux_mjy:.6g}",
                "" if p.rms_mjy is None else f"{p.rms_mjy:.6g}",
            ]
        )
    return buffer.getvalue()
