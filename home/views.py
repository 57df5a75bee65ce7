"""Site search: Wagtail pages for everyone, candidate names for logged-in users."""

import re
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from wagtail.models import Page

from catalogue.access.rules import visible_candidates
from home.forms import QueryForm

SEARCH_RESULTS_PER_PAGE = 10
# Full-text search matches words; quotes and other punctuation are query
# syntax to SQLite's FTS5 (an unmatched `"` is an SQL error there).
SEARCH_WORD = re.compile(r"\w+")


def bad_query(request, form):
    """400: the search page with the reason the query was refused."""
    return TemplateResponse(
        request,
        "home/search.html",
        {"search_query": "", "query_errors": form.errors["q"]},
        status=400,
    )


def search(request):
    """Full-text search over live public pages (Wagtail search backend)."""
    form = QueryForm(request.GET)
    if not form.is_valid():
        return bad_query(request, form)
    query = form.query()
    words = " ".join(SEARCH_WORD.findall(query))
    results = Page.objects.none()
    if words:
        results = Page.objects.live().public().specific().search(words)
    page = Paginator(results, SEARCH_RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request, "home/search.html", {"search_query": query, "results": page}
    )


def _unique_candidate(user, **lookup):
    """The one best-beam candidate `user` may see matching `lookup`, or None
    (0 or ≥ 2 match)."""
    matches = list(
        visible_candidates(user)
        .filter(is_best_beam=True, **lookup)
        .values_list("pk", flat=True)[:2]
    )
    return matches[0] if len(matches) == 1 else None


@login_required
def lookup(request):
    """Jump to the candidate named `q` (exact, then unique prefix match);
    otherwise show the catalogue filtered by that name.
    """
    form = QueryForm(request.GET)
    if not form.is_valid():
        return bad_query(request, form)
    query = form.query()
    catalogue = reverse("catalogue:list")
    if not query:
        return redirect(catalogue)
    pk = _unique_candidate(request.user, name=query) or _unique_candidate(
        request.user, name__istartswith=query
    )
    if pk is not None:
        return redirect("rating:candidate", pk=pk)
    return redirect(f"{catalogue}?{urlencode({'name': query})}")
