"""A candidate's light curve as points, a server-rendered SVG chart and CSV.

Stored light curves hold UTC MJDs and fluxes in Jy; the page shows peak
flux in mJy against seconds since the observation start, with the local
rms (mJy) as error bars. The SVG needs no JavaScript to read; the page's
script only asks for a re-rendered SVG of a narrower time range (zoom).
Python works out the chart's geometry (`lightcurve_chart`); the template
LIGHTCURVE_TEMPLATE draws it, so every text in it is escaped by the engine.
"""

import csv
import io
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.template.loader import render_to_string

UNIX_EPOCH_MJD = 40587.0
SECONDS_PER_DAY = 86400.0
WIDTH, HEIGHT = 760, 300
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 16, 14, 44
LIGHTCURVE_TEMPLATE = "rating/vetting/lightcurve.svg"


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


class AxisTick(NamedTuple):
    """A grid line at `position` px along its axis; its label's centre or baseline
    sits at `label_position` px on the same axis."""

    position: float
    label_position: float
    label: str


class ChartPoint(NamedTuple):
    """One drawn point: centre `x`, `y` and error-bar ends (px), tooltip text.

    `error_low`/`error_high` are the px of flux − rms and flux + rms, None
    when the point has no rms.
    """

    x: float
    y: float
    error_low: float | None
    error_high: float | None
    title: str


@dataclass(frozen=True)
class LightcurveChart:
    """What the SVG template draws, in px of a WIDTH × HEIGHT viewBox.

    Scaling, ticks and number formatting happen here, so the template only
    places values; the frame and axis-label positions follow from the
    margins. `points` is empty when no point lies in the time range;
    `t_min_label`/`t_max_label` give the plotted range (s) for the zoom script.
    """

    points: tuple[ChartPoint, ...] = ()
    x_ticks: tuple[AxisTick, ...] = ()
    y_ticks: tuple[AxisTick, ...] = ()
    t_min_label: str = ""
    t_max_label: str = ""
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = MARGIN_LEFT
    plot_top: int = MARGIN_TOP
    plot_right: int = WIDTH - MARGIN_RIGHT
    plot_bottom: int = HEIGHT - MARGIN_BOTTOM
    plot_width: int = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height: int = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    x_tick_label_y: int = HEIGHT - MARGIN_BOTTOM + 16  # below the frame
    y_tick_label_x: int = MARGIN_LEFT - 6  # right-aligned left of the frame
    x_axis_label_x: int = (MARGIN_LEFT + WIDTH - MARGIN_RIGHT) // 2
    x_axis_label_y: int = HEIGHT - 6
    y_axis_label_y: int = (MARGIN_TOP + HEIGHT - MARGIN_BOTTOM) // 2

    @property
    def has_error_bars(self):
        return any(p.error_low is not None for p in self.points)


def _point_title(point):
    rms = f" ± {point.rms_mjy:.3f}" if point.rms_mjy is not None else ""
    return f"t = {point.seconds:.1f} s: {point.flux_mjy:.3f}{rms} mJy"


def lightcurve_chart(points, t_min=None, t_max=None):
    """The chart of the points within [t_min, t_max] seconds (None: no bound)."""
    visible = [
        p
        for p in points
        if (t_min is None or p.seconds >= t_min)
        and (t_max is None or p.seconds <= t_max)
    ]
    if not visible:
        return LightcurveChart()
    x_low = t_min if t_min is not None else min(p.seconds for p in visible)
    x_high = t_max if t_max is not None else max(p.seconds for p in visible)
    if x_high <= x_low:
        x_low, x_high = x_low - 1.0, x_high + 1.0
    lows = [p.flux_mjy - (p.rms_mjy or 0.0) for p in visible]
    highs = [p.flux_mjy + (p.rms_mjy or 0.0) for p in visible]
    pad = (max(highs) - min(lows)) * 0.06 or 1.0
    y_low, y_high = min(lows) - pad, max(highs) + pad
    frame = LightcurveChart()

    def x_of(seconds):
        return round(
            frame.plot_left + frame.plot_width * (seconds - x_low) / (x_high - x_low), 1
        )

    def y_of(flux):
        return round(
            frame.plot_top
            + frame.plot_height * (1 - (flux - y_low) / (y_high - y_low)),
            1,
        )

    x_ticks = tuple(
        AxisTick(x_of(tick), x_of(tick), _label(tick))
        for tick in nice_ticks(x_low, x_high)
        if x_low <= tick <= x_high
    )
    y_ticks = tuple(
        AxisTick(y_of(tick), round(y_of(tick) + 4, 1), _label(tick))
        for tick in nice_ticks(y_low, y_high)
        if y_low <= tick <= y_high
    )
    chart_points = tuple(
        ChartPoint(
            x=x_of(p.seconds),
            y=y_of(p.flux_mjy),
            error_low=None if p.rms_mjy is None else y_of(p.flux_mjy - p.rms_mjy),
            error_high=None if p.rms_mjy is None else y_of(p.flux_mjy + p.rms_mjy),
            title=_point_title(p),
        )
        for p in visible
    )
    return LightcurveChart(
        points=chart_points,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        t_min_label=f"{x_low:.6g}",
        t_max_label=f"{x_high:.6g}",
    )


def lightcurve_svg(points, t_min=None, t_max=None):
    """SVG markup (safe text) of the points within [t_min, t_max] seconds."""
    return render_to_string(
        LIGHTCURVE_TEMPLATE, {"chart": lightcurve_chart(points, t_min, t_max)}
    )


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
