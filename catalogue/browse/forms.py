"""Catalogue filter form: coordinate fields and cross-field checks.

Coordinates are parsed with astropy `Angle`: a plain number is decimal
degrees; a sexagesimal RA string ("22:14:25.3", "22h14m25.3s") is hours and
a sexagesimal Dec string is degrees. Anything else is a `ValidationError`
shown on the page, never a 500.
"""

import math
import re
from dataclasses import dataclass

import astropy.units as u
from astropy.coordinates import Angle
from django import forms
from django.core.exceptions import ValidationError

from catalogue.survey.columns import NUMERIC_COLUMNS
from catalogue.survey.sky import ARCSEC_PER_DEG, validate_cone

RADIUS_UNITS_ARCSEC = {"arcsec": 1.0, "arcmin": 60.0, "deg": ARCSEC_PER_DEG}
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_angle_deg(text, sexagesimal_unit):
    """Angle in degrees from decimal degrees or a sexagesimal string.

    `sexagesimal_unit` is the unit of a sexagesimal string (hourangle for
    RA, deg for Dec). Raises ValidationError when astropy cannot parse it.
    """
    text = text.strip()
    try:
        if _PLAIN_NUMBER.match(text):
            value = float(text)
        else:
            value = Angle(text, unit=sexagesimal_unit).to_value(u.deg)
    except (ValueError, TypeError, u.UnitsError) as exc:
        raise ValidationError(
            "Could not read %(value)s as an angle.", params={"value": text}
        ) from exc
    if not math.isfinite(value):
        raise ValidationError("The angle must be a finite number.")
    return float(value)


class RightAscensionField(forms.CharField):
    """RA in decimal degrees or sexagesimal hours; cleaned to deg in [0, 360)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        return parse_angle_deg(value, u.hourangle) % 360.0


class DeclinationField(forms.CharField):
    """Dec in decimal or sexagesimal degrees; cleaned to deg in [-90, 90]."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        dec = parse_angle_deg(value, u.deg)
        if not -90.0 <= dec <= 90.0:
            raise ValidationError("Dec must be between -90 and +90 deg.")
        return dec


class DisplayUnitField(forms.FloatField):
    """A number typed in a column's display unit (`display`, a
    `catalogue.browse.display_units.DisplayUnit`), cleaned to the stored
    unit by exact decimal scaling; "Enter a number." for anything else."""

    def __init__(self, *, display, **kwargs):
        self.display = display
        super().__init__(**kwargs)

    def to_python(self, value):
        if super().to_python(value) is None:  # checks it reads as a number
            return None
        try:
            return self.display.to_stored(value)
        except ValueError as exc:  # inf, nan
            raise ValidationError(self.error_messages["invalid"], "invalid") from exc


class CatalogueFilterForm(forms.Form):
    """Base form of the catalogue FilterSet: checks that span several fields.

    After validation, `cone_radius_arcsec` holds the cone radius in arcsec
    (None without a cone search).
    """

    cone_radius_arcsec = None

    def clean(self):
        cleaned = super().clean()
        for column in NUMERIC_COLUMNS:
            low = cleaned.get(f"{column.name}_min")
            high = cleaned.get(f"{column.name}_max")
            if low is not None and high is not None and low > high:
                typed = str(self.data.get(f"{column.name}_min", "")).strip()
                self.add_error(
                    f"{column.name}_max",
                    f"The maximum must not be below the minimum ({typed}).",
                )
        self._clean_cone(cleaned)
        return cleaned

    def _clean_cone(self, cleaned):
        names = ("cone_ra", "cone_dec", "cone_radius")
        if any(name in self.errors for name in names):
            return
        given = [cleaned.get(name) is not None for name in names]
        if not any(given):
            return
        if not all(given):
            self.add_error(
                None,
                "A cone search needs RA, Dec and a radius (or leave all three empty).",
            )
            return
        unit = cleaned.get("cone_unit") or "arcsec"
        radius_arcsec = cleaned["cone_radius"] * RADIUS_UNITS_ARCSEC[unit]
        try:
            validate_cone(cleaned["cone_ra"], cleaned["cone_dec"], radius_arcsec)
        except ValueError as exc:
            self.add_error("cone_radius", str(exc))
            return
        self.cone_radius_arcsec = radius_arcsec


@dataclass(slots=True)
class FilterWidget:
    """What the filter panel's template writes for one filter field.

    Built straight from the bound field rather than through Django's
    per-widget (and per-option) templates, which made up most of the
    catalogue page's rendering time; the markup itself is in
    `catalogue/browse/filter_groups.html` (Jinja2).
    """

    name: str
    id: str
    label: str
    help_text: str
    errors: list
    input_type: str  # of an <input>; unused for a <select>
    value: str
    attrs: dict  # the widget's other attributes (placeholder, list, data-…)
    options: list | None  # [(value, label, selected)] of a <select>, else None


def filter_widget(bound_field, choices=None):
    """The `FilterWidget` of `bound_field` for the simple widgets the
    catalogue uses (text, number and search inputs, selects).

    `choices` ([(value, label)], without the empty choice) replaces the
    field's own (a ModelChoiceField would otherwise query its choices).
    """
    field = bound_field.field
    widget = field.widget
    value = bound_field.value()
    current = "" if value is None else str(value)
    if choices is not None:
        empty = field.empty_label
        choices = [("", empty), *choices] if empty is not None else choices
    else:
        choices = getattr(widget, "choices", None)
    options = None
    if choices is not None:
        options = [
            (str(key), str(label), str(key) == current) for key, label in choices
        ]
    return FilterWidget(
        name=bound_field.html_name,
        id=bound_field.auto_id,
        label=str(bound_field.label),
        help_text=str(field.help_text),
        errors=list(bound_field.errors),
        input_type=widget.attrs.get("type") or getattr(widget, "input_type", "text"),
        value=current,
        attrs={key: val for key, val in widget.attrs.items() if key != "type"},
        options=options,
    )
