"""Forms of the project admin page: openness, and a member's role."""

from django import forms
from django.contrib.auth import get_user_model

from catalogue.access.models import Role


class ProjectSettingsForm(forms.Form):
    is_restricted = forms.BooleanField(
        required=False,
        label="Restricted",
        help_text="Only members see a restricted project; an open project lets "
        "every active user browse and rate it.",
    )


class MemberForm(forms.Form):
    """Add a member or change one's role, by username."""

    username = forms.CharField(max_length=150, label="User")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.RATER)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = (
            get_user_model()
            .objects.filter(**{get_user_model().USERNAME_FIELD: username})
            .first()
        )
        if user is None or not user.is_active:
            raise forms.ValidationError(f"There is no active user '{username}'.")
        self.member = user
        return username
