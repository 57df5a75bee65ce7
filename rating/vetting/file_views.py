"""Files, previews and asynchronous fragments of the candidate page (login required).

Downloads keep the pipeline's file names (`<SBID>_beam<NN>_<product>_<name>.<ext>`);
behind nginx (`MEDIA_ACCEL_REDIRECT=true`) nginx sends the bytes, from object
storage the store does, after a redirect, as for `portal.media`.
"""

import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from catalogue.access.rules import visible_candidates
from catalogue.survey.models import Candidate, CandidateFile
from portal.media import delegated_download
from rating.references.nearby import nearby_objects
from rating.references.simbad import SimbadUnavailable, simbad_objects
from rating.vetting.forms import (
    LightcurveZoomForm,
    PreviewPlaneForm,
    RadiusForm,
    form_errors_text,
)
from rating.vetting.lightcurve import lightcurve_csv, lightcurve_points, lightcurve_svg
from rating.vetting.page import (
    FITS_PREVIEW_KINDS,
    candidate_queryset,
    lightcurve_csv_filename,
    pipeline_filename,
    stored_files,
    stored_lightcurve,
)
from rating.vetting.previews import PreviewError, fits_preview_png, gif_frame_png

# The image shown beside each FITS panel, whose pixels a shared stretch spans.
SHARED_STRETCH_COMPANION = {
    CandidateFile.Kind.DEEPCUTOUT_FITS: CandidateFile.Kind.SLICES_FITS,
    CandidateFile.Kind.SLICES_FITS: CandidateFile.Kind.DEEPCUTOUT_FITS,
}

PRIVATE_CACHE = "private, max-age=3600"


def _stored_file(user, pk, kind):
    candidate = get_object_or_404(candidate_queryset(user), pk=pk)
    stored = stored_files(candidate).get(kind)
    if stored is None or not stored.file.storage.exists(stored.file.name):
        raise Http404(f"No {kind} file is stored for this candidate")
    return candidate, stored


def _bad_request(form):
    """A 400 whose JSON `error` names each bad GET parameter, for the page's script."""
    return JsonResponse({"error": form_errors_text(form)}, status=400)


def _png(data):
    response = HttpResponse(data, content_type="image/png")
    response["Cache-Control"] = PRIVATE_CACHE
    return response


@login_required
@require_GET
def file_download(request, pk, kind):
    """A stored file under its pipeline name; `?inline=1` to show it in the page."""
    candidate, stored = _stored_file(request.user, pk, kind)
    filename = pipeline_filename(candidate, stored)
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    disposition = "inline" if request.GET.get("inline") else "attachment"
    response = delegated_download(
        stored.file.storage,
        stored.file.name,
        content_type,
        content_disposition_header(disposition == "attachment", filename),
    )
    if response is not None:
        return response
    return FileResponse(
        stored.file.open("rb"),
        as_attachment=disposition == "attachment",
        filename=filename,
        content_type=content_type,
    )


@login_required
@require_GET
def preview(request, pk, kind):
    """zscale PNG of a stored FITS (`?plane=N` for a cube plane, from 0;
    `?stretch=plane` scales that plane alone instead of with the cube;
    `?stretch=shared` scales the deep cutout and the slices cube alike)."""
    if kind not in FITS_PREVIEW_KINDS:
        raise Http404(f"No preview for '{kind}'")
    form = PreviewPlaneForm(request.GET)
    if not form.is_valid():
        return _bad_request(form)
    candidate, stored = _stored_file(request.user, pk, kind)
    companion = None
    if form.stretch_name() == "shared":
        companion = stored_files(candidate).get(SHARED_STRETCH_COMPANION.get(kind))
    try:
        return _png(
            fits_preview_png(stored, form.plane_index(), form.stretch_name(), companion)
        )
    except PreviewError as exc:
        return JsonResponse({"error": str(exc)}, status=400)


@login_required
@require_GET
def gif_frame(request, pk, frame):
    """One frame (from 0) of the slices GIF as a PNG, for the frame player."""
    _, stored = _stored_file(request.user, pk, "slices_gif")
    try:
        return _png(gif_frame_png(stored, frame))
    except PreviewError as exc:
        return JsonResponse({"error": str(exc)}, status=400)


def _points(user, pk):
    candidate = get_object_or_404(
        visible_candidates(
            user, Candidate.objects.select_related("beam", "observation", "lightcurve")
        ),
        pk=pk,
    )
    lightcurve = stored_lightcurve(candidate)
    if lightcurve is None:
        raise Http404("This candidate has no light curve")
    return candidate, lightcurve_points(lightcurve, candidate.observation.start_time)


@login_required
@require_GET
def lightcurve_csv_view(request, pk):
    """The light curve as CSV (UTC, MJD, seconds since start, mJy)."""
    candidate, points = _points(request.user, pk)
    filename = lightcurve_csv_filename(candidate)
    response = HttpResponse(lightcurve_csv(points), content_type="text/csv")
    # A candidate name may hold quotes, spaces or any script: Django quotes
    # ASCII names and gives others as RFC 5987 `filename*`.
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_GET
def lightcurve_svg_view(request, pk):
    """The chart re-rendered for `?t0=&t1=` (seconds since start): the zoom."""
    form = LightcurveZoomForm(request.GET)
    if not form.is_valid():
        return _bad_request(form)
    _, points = _points(request.user, pk)
    return HttpResponse(
        lightcurve_svg(points, form.cleaned_data["t0"], form.cleaned_data["t1"]),
        content_type="image/svg+xml",
    )


@login_required
@require_GET
def nearby(request, pk):
    """The nearby-objects table for `?radius=` arcsec (an HTML fragment)."""
    candidate = get_object_or_404(visible_candidates(request.user), pk=pk)
    form = RadiusForm(request.GET)
    if not form.is_valid():
        return _bad_request(form)
    radius = form.radius_arcsec()
    return render(
        request,
        "rating/includes/nearby_rows.html",
        {
            "nearby": nearby_objects(candidate, radius, request.user),
            "radius_arcsec": radius,
        },
    )


@login_required
@require_GET
def simbad(request, pk):
    """SIMBAD objects within `?radius=` arcsec as JSON; a notice when unavailable."""
    candidate = get_object_or_404(visible_candidates(request.user), pk=pk)
    form = RadiusForm(request.GET)
    if not form.is_valid():
        return _bad_request(form)
    radius = form.radius_arcsec()
    if candidate.ra is None or candidate.dec is None:
        return JsonResponse({"objects": [], "notice": "The candidate has no position."})
    try:
        objects = simbad_objects(candidate.ra, candidate.dec, radius)
    except SimbadUnavailable as exc:
        return JsonResponse({"objects": [], "notice": str(exc)})
    return JsonResponse({"objects": objects, "notice": ""})
