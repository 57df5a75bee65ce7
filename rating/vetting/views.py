"""Candidate page and rating (login required).

The rater's catalogue filters and sort ride along in every URL's query
string, so "Rate & next", Previous / Next, the "all done" page and "back to
list" stay inside the list the rater came from, in its order.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from catalogue.access.rules import may_rate, may_rate_somewhere, visible_candidates
from catalogue.browse.pagination import DEFAULT_PER_PAGE, clamp_per_page
from catalogue.survey.models import Candidate
from rating.models import save_rating
from rating.references.nearby import nearby_objects
from rating.team import add_comment
from rating.vetting.external_links import external_links
from rating.vetting.forms import RadiusForm, RatingForm, TagForm
from rating.vetting.navigation import (
    Listing,
    filter_params,
    filter_querystring,
    neighbour_id,
    next_unrated_id,
)
from rating.vetting.page import candidate_queryset, page_context, rating_state
from rating.vetting.team_panel import CommentForm, team_context


def _with_filters(url, querystring):
    return f"{url}?{querystring}" if querystring else url


def candidate_url(candidate_id, querystring):
    return _with_filters(reverse("rating:candidate", args=[candidate_id]), querystring)


def _list_url(params, position=None):
    """The catalogue list of `params`, at the page that shows `position`."""
    list_params = params.copy()
    if position is not None:
        per_page = params.get("per_page", "")
        per_page = per_page if per_page.isdigit() else DEFAULT_PER_PAGE
        list_params["page"] = str(position.page(clamp_per_page(per_page)))
    return _with_filters(reverse("catalogue:list"), list_params.urlencode())


def _render_page(request, candidate, form=None, status=200, comment_form=None):
    querystring = filter_querystring(request.GET)
    params = filter_params(request.GET)
    radius_form = RadiusForm(request.GET or None)
    radius = radius_form.radius_arcsec()
    state = rating_state(candidate, request.user)
    if form is None:
        rating = state["my_rating"]
        initial = (
            {"label": rating.label, "tag": rating.tag_id, "notes": rating.notes}
            if rating
            else {}
        )
        form = RatingForm(initial=initial)
    context = {
        "candidate": candidate,
        "form": form,
        "tag_form": TagForm(),
        "radius_form": radius_form,
        "radius_arcsec": radius,
        "nearby": nearby_objects(candidate, radius, request.user),
        "filters": querystring,
        "filter_items": list(params.lists()),
        # The list page itself comes with the position, fetched after the
        # page is shown (counting costs more than the rest of the page).
        "list_url": _list_url(params),
        "external_links": external_links(candidate.ra, candidate.dec),
        # A viewer's page has no rating, comment or tag forms (posting is 403).
        "may_rate": may_rate(request.user, candidate.observation.project_id),
        **state,
        **team_context(candidate, request.user, state["history"], params, comment_form),
        **page_context(candidate),
    }
    return render(request, "rating/candidate_detail.html", context, status=status)


@login_required
@require_GET
def candidate_detail(request, pk):
    candidate = get_object_or_404(candidate_queryset(request.user), pk=pk)
    return _render_page(request, candidate)


def _candidate_to_rate(request, pk, action, candidates=None):
    """The candidate `pk` if the user may see it (else 404) and rate or
    comment on it (else 403: a viewer's role); `candidates` defaults to
    everything the page shows."""
    if candidates is None:
        candidates = candidate_queryset(request.user)
    candidate = get_object_or_404(candidates, pk=pk)
    if not may_rate(request.user, candidate.observation.project_id):
        raise PermissionDenied(f"Your role in this project does not allow {action}.")
    return candidate


@login_required
@require_POST
def rate(request, pk):
    """Save my rating; "Rate & next" then opens my next unrated candidate.

    The page script posts with `Accept: application/json` and gets the saved
    state and the next page's URL instead of a redirect, so it can show the
    next candidate it has already fetched; forms without it are redirected.
    """
    as_json = _wants_json(request)
    # Saving reads the candidate alone; only a form error shows the page.
    lean = visible_candidates(
        request.user, Candidate.objects.select_related("observation")
    )
    try:
        candidate = _candidate_to_rate(request, pk, "rating", lean)
    except PermissionDenied as denied:
        if as_json:
            return JsonResponse({"error": str(denied)}, status=403)
        raise
    form = RatingForm(request.POST)
    if not form.is_valid():
        if as_json:
            errors = {
                field: [error["message"] for error in errors]
                for field, errors in form.errors.get_json_data().items()
            }
            return JsonResponse({"errors": errors}, status=400)
        candidate = get_object_or_404(candidate_queryset(request.user), pk=pk)
        return _render_page(request, candidate, form=form, status=400)
    rating = save_rating(
        candidate,
        request.user,
        form.cleaned_data["label"],
        tag=form.cleaned_data["tag"],
        notes=form.cleaned_data["notes"],
    )
    querystring = filter_querystring(request.GET)
    message = f"Rating of {candidate.name} saved."
    next_id = None
    if request.POST.get("action") == "next":
        next_id = next_unrated_id(
            filter_params(request.GET), request.user, candidate.pk
        )
        url = (
            candidate_url(next_id, querystring)
            if next_id is not None
            else _with_filters(reverse("rating:rate_next"), querystring)
        )
    else:
        url = candidate_url(candidate.pk, querystring)
    # The script shows the message on the candidate it swaps in; a page
    # loaded next (after a form, or the script's "all done") shows it itself.
    swaps = as_json and url == candidate_url(next_id or candidate.pk, querystring)
    if not swaps:
        messages.success(request, message)
    if not as_json:
        return redirect(url)
    return JsonResponse(
        {
            "saved": {"candidate": candidate.pk, "label": rating.label},
            "message": message if swaps else None,
            "url": url,
            "next_candidate": next_id,
        }
    )


@login_required
@require_GET
def rate_next(request):
    """Open my next unrated candidate after `?after=<id>`, or say all are done."""
    after = request.GET.get("after", "")
    after_id = int(after) if after.isdigit() else None
    querystring = filter_querystring(request.GET)
    next_id = next_unrated_id(filter_params(request.GET), request.user, after_id)
    if _wants_json(request):  # the page script fetches this page in advance
        url = candidate_url(next_id, querystring) if next_id is not None else None
        return JsonResponse({"url": url})
    if next_id is None:
        catalogue_url = _with_filters(reverse("catalogue:list"), querystring)
        return render(request, "rating/all_done.html", {"catalogue_url": catalogue_url})
    if next_id == after_id:
        messages.info(request, "This is the only candidate left for you to rate.")
    return redirect(candidate_url(next_id, querystring))


@login_required
@require_GET
def list_position(request, pk):
    """Where the candidate stands in its list, as JSON (for "k of N")."""
    # The candidate must exist (404); its files and related rows are not read.
    get_object_or_404(
        visible_candidates(request.user, Candidate.objects.only("pk")), pk=pk
    )
    params = filter_params(request.GET)
    position = Listing(params, request.user).position(pk)
    if position is None:
        return JsonResponse({"in_list": False, "list_url": _list_url(params)})
    return JsonResponse(
        {
            "in_list": True,
            "number": position.number,
            "total": position.total,
            "estimated": position.estimated,
            "list_url": _list_url(params, position),
        }
    )


@login_required
@require_GET
def neighbour(request, pk, direction):
    """The previous or next candidate of the filtered list (rated or not)."""
    pk = int(pk)
    querystring = filter_querystring(request.GET)
    target = neighbour_id(filter_params(request.GET), request.user, pk, direction)
    if target is None:
        messages.info(request, f"There is no {direction} candidate in this list.")
        target = pk
    return redirect(candidate_url(target, querystring))


@login_required
@require_POST
def comment(request, pk):
    """Add a comment to the candidate's thread, then show it in the history."""
    candidate = _candidate_to_rate(request, pk, "commenting")
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _render_page(request, candidate, status=400, comment_form=form)
    add_comment(candidate, request.user, form.cleaned_data["text"])
    messages.success(request, "Comment posted.")
    url = candidate_url(candidate.pk, filter_querystring(request.GET))
    return redirect(url + "#history")


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def tag_create(request):
    """Create a tag from the rating panel (JSON for the page script, else redirect)."""
    if not may_rate_somewhere(request.user):
        raise PermissionDenied("Creating tags needs a rater's role in a project.")
    form = TagForm(request.POST)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = reverse("catalogue:list")
    if not form.is_valid():
        error = " ".join(form.errors["name"])
        if _wants_json(request):
            return JsonResponse({"error": error}, status=400)
        messages.error(request, error)
        return HttpResponseRedirect(back)
    tag = form.save(commit=False)
    tag.created_by = request.user
    tag.save()
    if _wants_json(request):
        return JsonResponse({"id": tag.pk, "name": tag.name}, status=201)
    messages.success(request, f"Tag '{tag.name}' created.")
    return HttpResponseRedirect(back)
