"""Upload token pages (`/tokens/`): create (key shown once), list, revoke.

Every user manages their own tokens; staff also see and may revoke anyone's.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from catalogue.access.rules import uploadable_projects
from catalogue.api.tokens.models import UploadToken
from catalogue.api.tokens.service import create_token, revoke_token
from catalogue.survey.models import Project
from portal.ratelimit import RateLimit

# New tokens per user per hour: enough for real use, a wall for a runaway script.
TOKEN_CREATIONS = RateLimit("token-create", limit=10, window_s=3600)


class TokenForm(forms.Form):
    """A new token: what it is for and the projects it may write.

    Only projects the user may upload to are offered; only staff may let a
    token create new projects.
    """

    name = forms.CharField(
        max_length=100,
        required=False,
        label="What is it for?",
        widget=forms.TextInput(attrs={"placeholder": "e.g. pipeline on galaxy"}),
    )
    projects = forms.ModelMultipleChoiceField(
        queryset=Project.objects.none(),
        required=False,
        label="May write",
        widget=forms.CheckboxSelectMultiple,
        help_text="the projects this token may upload to",
    )
    may_create_projects = forms.BooleanField(
        required=False, label="May create new projects (staff only)"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = uploadable_projects(user)
        if not user.is_staff:
            del self.fields["may_create_projects"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("projects") and not cleaned.get("may_create_projects"):
            raise forms.ValidationError(
                "Choose at least one project the token may write "
                "(a project admin can make you an uploader)."
            )
        return cleaned


def visible_tokens(user):
    """The tokens `user` may see: their own; every token for staff."""
    tokens = UploadToken.objects.select_related("user").prefetch_related("projects")
    return tokens if user.is_staff else tokens.filter(user=user)


@login_required
def token_list(request):
    """List tokens; POST creates one and shows its key this once."""
    form = TokenForm(request.POST or None, user=request.user)
    if request.method == "POST" and TOKEN_CREATIONS.exceeded(request.user.pk):
        messages.error(request, "Too many new tokens this hour; try again later.")
        response = render(
            request,
            "catalogue/tokens.html",
            {"form": form, "tokens": visible_tokens(request.user)},
            status=429,
        )
        return response
    if request.method == "POST" and form.is_valid():
        TOKEN_CREATIONS.hit(request.user.pk)
        token, key = create_token(
            request.user,
            form.cleaned_data["name"],
            projects=form.cleaned_data["projects"],
            may_create_projects=form.cleaned_data.get("may_create_projects", False),
        )
        response = render(
            request, "catalogue/tokens_created.html", {"token": token, "key": key}
        )
        response["Cache-Control"] = "no-store"
        return response
    return render(
        request,
        "catalogue/tokens.html",
        {"form": form, "tokens": visible_tokens(request.user)},
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(visible_tokens(request.user), pk=pk)
    revoke_token(token)
    messages.success(request, f"Token {token.prefix}… has been revoked.")
    return redirect("tokens:list")
