"""Forms of the candidate page: the rating, an inline new tag, the nearby radius."""

from django import forms

from rating.models import Label, Tag
from rating.references.nearby import DEFAULT_RADIUS_ARCSEC, MAX_RADIUS_ARCSEC


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
