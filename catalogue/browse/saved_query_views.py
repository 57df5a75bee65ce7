"""Save and delete catalogue queries (POST with CSRF; login required).

Both answer with a redirect back to the catalogue: the saved query's own
list after a save, the posted list after a delete or a refusal (with the
reason as a message, nothing changed).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from catalogue.browse.saved_queries import (
    SavedQuery,
    SavedQueryForm,
    clean_query,
    save_query,
)


def _back(query):
    target = reverse("catalogue:list")
    return redirect(f"{target}?{query}" if query else target)


@login_required
@require_POST
def save(request):
    form = SavedQueryForm(request.POST)
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label or name}: {' '.join(errors)}"
            for name, errors in form.errors.items()
        )
        messages.error(request, f"The query was not saved. {problems}")
        return _back(clean_query(request.POST.get("query", "")[:4000]))
    saved, created = save_query(
        request.user,
        form.cleaned_data["name"],
        form.cleaned_data["query"],
        form.cleaned_data["shared"],
    )
    verb = "Saved" if created else "Replaced"
    scope = "shared with the team" if saved.shared else "private"
    messages.success(request, f"{verb} the query '{saved.name}' ({scope}).")
    return _back(saved.query)


@login_required
@require_POST
def delete(request, pk):
    """Delete one of my saved queries (another user's gives 404)."""
    saved = get_object_or_404(SavedQuery, pk=pk, owner=request.user)
    saved.delete()
    messages.success(request, f"Deleted the query '{saved.name}'.")
    return _back(clean_query(request.POST.get("query", "")))
