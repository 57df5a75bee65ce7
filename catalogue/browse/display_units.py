"""The unit each numeric column is shown in, and exact conversions to it.

The catalogue shows every quantity in one unit (fluxes in mJy, although
`_final.csv` and the database hold Jy), and every filter of that quantity
takes the same unit: the table header, the range label, the number inputs,
the slider and its bounds all say and use the display unit. The exports
and the API keep the stored units (`catalogue.survey.columns`).

A typed bound is converted exactly: the decimal the user typed is scaled by
the unit factor (a power of ten) in decimal arithmetic and then rounded
once to the nearest float. `float("5.2") / 1000` is one float step off
`float("0.0052")` for a quarter of such values; the decimal route gives
the very float that parsing the stored text gives, so a row whose stored
value is 0.0052 Jy is inside `peak_map_min=5.2` (mJy) and inside
`peak_map_max=5.2`, as the user expects from the "5.20" the table shows.
In general a bound selects rows whose stored value is at least (at most)
the float nearest to the typed value in the stored unit.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import astropy.units as u

from catalogue.survey.columns import NUMERIC_COLUMNS

# Columns shown in a unit other than their stored one (by column name).
DISPLAY_UNIT_OF = {
    "peak_map": "mJy",
    "std_map": "mJy",
    "deep_peak_flux": "mJy",
    "deep_int_flux": "mJy",
}
# A slider is logarithmic when its column's values are positive and the
# largest is at least this many times the smallest (two decades).
LOG_SLIDER_MIN_RATIO = 100.0


@dataclass(frozen=True)
class DisplayUnit:
    """How a column is shown: `unit` (may be "") and `factor`, the exact
    decimal with display value = stored value × factor."""

    unit: str
    factor: Decimal

    def to_stored(self, text):
        """The stored-unit float of a display-unit number typed as `text`
        (or a Decimal); ValueError when it is not a finite number."""
        try:
            value = Decimal(str(text).strip())
        except InvalidOperation as exc:
            raise ValueError(f"{text!r} is not a number") from exc
        if not value.is_finite():
            raise ValueError(f"{text!r} is not a finite number")
        return float(value / self.factor)

    def to_display(self, value):
        """A stored-unit float in the display unit (a float, for showing)."""
        if value is None:
            return None
        return float(Decimal(repr(float(value))) * self.factor)


def _factor(stored, shown):
    """The exact decimal factor from unit `stored` to unit `shown`."""
    if stored == shown:
        return Decimal(1)
    # astropy knows the ratio; repr() of a power of ten is exact in decimal.
    return Decimal(repr(u.Unit(stored).to(u.Unit(shown)))).normalize()


DISPLAY_UNITS = {
    column.name: DisplayUnit(
        DISPLAY_UNIT_OF.get(column.name, column.unit),
        _factor(column.unit, DISPLAY_UNIT_OF.get(column.name, column.unit)),
    )
    for column in NUMERIC_COLUMNS
}


def display_unit(column_name):
    """The `DisplayUnit` of a numeric column."""
    return DISPLAY_UNITS[column_name]


def wants_log_slider(low, high):
    """Whether a slider over display values `low`..`high` is logarithmic:
    positive values spanning two decades or more."""
    if low is None or high is None or low <= 0:
        return False
    return high / low >= LOG_SLIDER_MIN_RATIO
