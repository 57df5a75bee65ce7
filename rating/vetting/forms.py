"""Forms of the candidate page: the rating, an inline new tag, the nearby radius,
and the GET parameters of its fragments (light-curve zoom, preview plane)."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from rating.models import Label, Tag
from rating.references.nearby import DEFAULT_RADIUS_ARCSEC, MAX_RADIUS_ARCSEC
from rating.vetting.previews import STRETCHES


class RatingForm(forms.Form):
    """A rater's verdict: label (required), optional tag, free-text notes."""

    label = forms.ChoiceField(choices=Label.choices, widget=forms.RadioSelect)
    tag = forms.ModelChoiceField(
        queryset=Tag.objects.all(), required=False, empty_label="— no tag —"
    )
    notes = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Notes (optional)"}),
    )


class TagForm(forms.ModelForm):
    """A new tag created from the rating panel."""

    class Meta:
        model = Tag
        fields = ["name"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("A tag needs a name.")
        if Tag.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(f"A tag named '{name}' already exists.")
        return name


class RadiusForm(forms.Form):
    """Search radius (arcsec) for nearby objects."""

    radius = forms.FloatField(
        min_value=1.0,
        max_value=MAX_RADIUS_ARCSEC,
        required=False,
        initial=DEFAULT_RADIUS_ARCSEC,
        label="Radius (arcsec)",
    )

    def radius_arcsec(self):
        """The valid radius, or the default when missing or invalid."""
        if self.is_valid() and self.cleaned_data["radius"]:
            return self.cleaned_data["radius"]
        return DEFAULT_RADIUS_ARCSEC


MAX_ZOOM_SECONDS = 1e8  # far beyond any observation; keeps the chart's scale finite
MIN_ZOOM_WIDTH_SECONDS = 0.01  # the zoom script sends times to 0.01 s


class LightcurveZoomForm(forms.Form):
    """Time range (s since observation start) of a re-rendered light-curve chart.

    Either end may be left out; a given end must be a finite number within
    ±MAX_ZOOM_SECONDS, and t1 at least MIN_ZOOM_WIDTH_SECONDS after t0, so
    the chart's scale and ticks are always finite.
    """

    t0 = forms.FloatField(
        required=False, min_value=-MAX_ZOOM_SECONDS, max_value=MAX_ZOOM_SECONDS
    )
    t1 = forms.FloatField(
        required=False, min_value=-MAX_ZOOM_SECONDS, max_value=MAX_ZOOM_SECONDS
    )

    def clean(self):
        cleaned = super().clean()
        t0, t1 = cleaned.get("t0"), cleaned.get("t1")
        if t0 is not None and t1 is not None and t1 - t0 < MIN_ZOOM_WIDTH_SECONDS:
            raise forms.ValidationError(
                f"t1 must be at least {MIN_ZOOM_WIDTH_SECONDS:g} s later than t0."
            )
        return cleaned


class PreviewPlaneForm(forms.Form):
    """Which plane (from 0) of a FITS cube to preview, and on which stretch.

    The first plane when left out; the stretch is one zscale over the whole
    cube ("cube", the default), the plane's own ("plane") or one over the
    deep cutout and the slices cube together ("shared").
    """

    plane = forms.IntegerField(required=False, min_value=0)
    stretch = forms.ChoiceField(
        required=False, choices=[(name, name) for name in STRETCHES]
    )

    def plane_index(self):
        return self.cleaned_data["plane"] or 0

    def stretch_name(self):
        return self.cleaned_data["stretch"] or STRETCHES[0]


def form_errors_text(form):
    """A form's errors as one sentence naming each bad GET parameter."""
    return " ".join(
        " ".join(messages)
        if field == NON_FIELD_ERRORS
        else f"'{field}': {' '.join(messages)}"
        for field, messages in form.errors.items()
    )
