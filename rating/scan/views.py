"""The scanning grid `/catalogue/scan/` and its actions (login required).

The grid carries the catalogue's filters and sort in its query string, like
the candidate page. Labelling works without JavaScript: each card's T / F / U
buttons post a form here and come back to the same place in the grid. The
page's script sends the same actions to `action` as JSON (CSRF token in the
`X-CSRFToken` header) and updates the cards in place.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from catalogue.browse.query_params import query_without
from catalogue.browse.reference_lists import reference_lists
from catalogue.survey.models import CandidateFile
from rating.scan import actions
from rating.scan.grid import SPARK_HEIGHT, SPARK_WIDTH, grid_page, rating_states
from rating.vetting.file_views import PRIVATE_CACHE
from rating.vetting.navigation import Listing, filter_params
from rating.vetting.page import candidate_queryset, stored_files
from rating.vetting.previews import PreviewError, fits_peak_png


def _after_id(query):
    after = query.get("after", "")
    return int(after) if after.isdigit() else None


def _grid_url(query, anchor=""):
    """The grid at the same filters, sort and place (`after`)."""
    querystring = query_without(query, "page")
    url = reverse("scan:grid") + (f"?{querystring}" if querystring else "")
    return url + (f"#card-{anchor}" if anchor else "")


def _cards_html(request, page, querystring):
    """The cards fragment (Jinja2: 48 cards render several times faster)."""
    context = {
        "page": page,
        "csrf_token": get_token(request),
        "rate_url": reverse("scan:rate")
        + (f"?{request.GET.urlencode()}" if request.GET else ""),
        "cards_url": reverse("scan:cards"),
        "querystring": querystring,
        "spark_width": SPARK_WIDTH,
        "spark_height": SPARK_HEIGHT,
    }
    html = render_to_string("rating/scan/cards.html", context, using="jinja2")
    return mark_safe(html)  # noqa: S308 - Jinja2 escaped every value


def _page(request):
    params = filter_params(request.GET)
    querystring = params.urlencode()
    listing = Listing(params, request.user)
    page = grid_page(listing, request.user, querystring, _after_id(request.GET))
    return page, querystring


@login_required
@require_GET
def grid(request):
    page, querystring = _page(request)
    # Cached with the catalogue's reference lists: no query on most pages.
    table = reference_lists()["tag_keys"]
    projects = {card.candidate.observation.project for card in page.cards}
    tag_key_rows = [
        {
            "project": project,
            "keys": table.get(project.pk, table["default"]),
        }
        for project in sorted(projects, key=lambda project: project.slug)
    ]
    context = {
        "cards_html": _cards_html(request, page, querystring),
        "page": page,
        "querystring": querystring,
        "table_url": reverse("catalogue:list")
        + (f"?{querystring}" if querystring else ""),
        "first_page_url": reverse("scan:grid")
        + (f"?{querystring}" if querystring else ""),
        "continued": _after_id(request.GET) is not None,
        "undo_depth": actions.undo_depth(request.session),
        "tag_key_rows": tag_key_rows,
        # Every project's keys: cards loaded later may be of other projects.
        "tag_key_map": {
            str(project_id): {
                str(key): {"id": tag_id, "name": name} for key, tag_id, name in keys
            }
            for project_id, keys in table.items()
        },
    }
    return render(request, "rating/scan/grid.html", context)


@login_required
@require_GET
def cards(request):
    """The next cards after `?after=<id>` as an HTML fragment ("load more")."""
    page, querystring = _page(request)
    response = HttpResponse(_cards_html(request, page, querystring))
    response["X-Next-After"] = "" if page.next_after is None else str(page.next_after)
    return response


@login_required
@require_POST
def rate(request):
    """No-JavaScript labelling: one card's T / F / U button, then back."""
    candidate = request.POST.get("candidate", "")
    label = request.POST.get("label", "")
    if not candidate.isdigit():
        messages.error(request, "Choose a candidate to label.")
        return redirect(_grid_url(request.GET))
    try:
        record = actions.label(request.user, [int(candidate)], label)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
        return redirect(_grid_url(request.GET))
    actions.push_undo(request.session, record)
    return redirect(_grid_url(request.GET, anchor=candidate))


@login_required
@require_POST
def undo(request):
    """No-JavaScript undo of my latest grid change."""
    touched = actions.undo(request.user, request.session)
    if touched:
        messages.success(request, "Undone.")
    else:
        messages.info(request, "Nothing to undo.")
    return redirect(_grid_url(request.GET, anchor=touched[0] if touched else ""))


def _ids(value):
    if not isinstance(value, list) or not all(
        isinstance(pk, int) and not isinstance(pk, bool) for pk in value
    ):
        raise actions.ActionError("'candidates' must be a list of candidate ids.")
    return value


def _run(request, body):
    """Apply one JSON action; returns the candidate ids whose cards changed."""
    kind = body.get("action")
    if kind == "label":
        record = actions.label(
            request.user, _ids(body.get("candidates")), body.get("label")
        )
    elif kind == "tag":
        tag_id = body.get("tag")
        if tag_id is not None and (not isinstance(tag_id, int) or tag_id < 1):
            raise actions.ActionError("'tag' must be a tag id or null.")
        record = actions.tag(request.user, _ids(body.get("candidates")), tag_id)
    elif kind == "undo":
        return actions.undo(request.user, request.session)
    else:
        raise actions.ActionError("'action' must be label, tag or undo.")
    actions.push_undo(request.session, record)
    return list(record)


@login_required
@require_POST
def action(request):
    """A grid action as JSON: `{"action": "label", "candidates": [ids],
    "label": "true"}`, `{"action": "tag", "candidates": [ids], "tag": id or
    null}` or `{"action": "undo"}`. Answers the changed cards' states."""
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": "The request body must be JSON."}, status=400)
    if not isinstance(body, dict):
        return JsonResponse(
            {"error": "The request body must be an object."}, status=400
        )
    try:
        changed = _run(request, body)
    except actions.ActionError as exc:
        status = 403 if isinstance(exc, actions.NotAllowed) else 400
        return JsonResponse({"error": str(exc)}, status=status)
    states = rating_states(request.user, changed)
    return JsonResponse(
        {
            "changed": [{"id": pk, **states[pk]} for pk in changed],
            "undo_depth": actions.undo_depth(request.session),
        }
    )


@login_required
@require_GET
def peak_preview(request, pk):
    """zscale PNG of the slices cube's peak plane (the card's second image)."""
    candidate = get_object_or_404(candidate_queryset(request.user), pk=pk)
    stored = stored_files(candidate).get(CandidateFile.Kind.SLICES_FITS)
    if stored is None or not stored.file.storage.exists(stored.file.name):
        raise Http404("No slices cube is stored for this candidate")
    try:
        data = fits_peak_png(stored)
    except PreviewError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    response = HttpResponse(data, content_type="image/png")
    response["Cache-Control"] = PRIVATE_CACHE
    return response
