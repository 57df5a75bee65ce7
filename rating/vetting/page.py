"""What the candidate page shows, assembled from one candidate.

Views stay thin: this module turns a candidate (fetched with its beam,
observation, light curve and files) into the tables, image panels,
downloads and rating state the template renders, with a fixed number of
queries whatever the candidate holds.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from catalogue.access.rules import visible_candidates
from catalogue.survey import pipeline_files
from catalogue.survey.columns import COLUMNS_BY_NAME
from catalogue.survey.models import BeamFile, Candidate, CandidateFile
from catalogue.survey.pipeline_files import CANDIDATE_FILE_KINDS
from rating.models import Rating, RatingHistory, Tag
from rating.tag_keys import keyed_tags
from rating.vetting.lightcurve import lightcurve_points, lightcurve_svg
from rating.vetting.positions import candidate_positions
from rating.vetting.previews import fits_plane_count, gif_frame_count, stretch_limits

FIREFLY_TIMEOUT_MS = 4000

# (statistic, value column, sigma column, log-sigma column)
STATISTICS = (
    ("Chi-square", "chi_square", "chi_square_sigma", "chi_square_log_sigma"),
    ("Peak map", "peak_map", "peak_map_sigma", "peak_map_log_sigma"),
    ("Gaussian map", "gaussian_map", "gaussian_map_sigma", None),
)
# Other `_final.csv` measurements with the short label shown (help is the tooltip).
OTHER_MEASUREMENTS = (
    ("std_map", "Std map"),
    ("bright_sep_arcmin", "Bright source sep."),
    ("beam_sep_deg", "Beam centre sep."),
    ("deep_sep_arcsec", "Deep counterpart sep."),
    ("deep_peak_flux", "Deep peak flux"),
    ("deep_int_flux", "Deep integrated flux"),
    ("md_deep", "Modulation index (deep)"),
    ("deep_num", "Deep sources nearby"),
)
FITS_PREVIEW_KINDS = frozenset(
    {
        CandidateFile.Kind.DEEPCUTOUT_FITS,
        CandidateFile.Kind.SLICES_FITS,
        BeamFile.Kind.STD_FITS,
        BeamFile.Kind.CHISQUARE_FITS,
        BeamFile.Kind.PEAK_FITS,
    }
)
_CANDIDATE_PRODUCTS = {kind: pair for pair, kind in CANDIDATE_FILE_KINDS.items()}


def candidate_queryset(user):
    """The candidates `user` may see, with everything the page reads, in two
    extra queries (files)."""
    return visible_candidates(
        user,
        Candidate.objects.select_related(
            "beam", "observation__project", "lightcurve"
        ).prefetch_related("files", "beam__files"),
    )


def _pipeline_name(candidate, kind):
    return pipeline_files.pipeline_filename(
        candidate.observation.sbid, candidate.beam.index, kind, candidate.name
    )


def pipeline_filename(candidate, stored):
    """The pipeline's own name of a stored file: `<SBID>_beam<NN>_<product>...`."""
    return _pipeline_name(candidate, stored.kind)


def lightcurve_csv_filename(candidate):
    """The portal's light-curve CSV takes the pipeline's light-curve PNG name
    with a `.csv` extension: `<SBID>_beam<NN>_lightcurve_<name>.csv`."""
    png = _pipeline_name(candidate, CandidateFile.Kind.LIGHTCURVE_PNG)
    return png.removesuffix(".png") + ".csv"


def stored_files(candidate):
    """{kind: stored file} of the candidate's own and its beam's files."""
    files = {f.kind: f for f in candidate.beam.files.all()}
    files.update({f.kind: f for f in candidate.files.all()})
    return files


def _display(value, unit):
    """(text, unit) of a value; Jy is shown in mJy, as raters read fluxes."""
    if value is None:
        return "—", "mJy" if unit == "Jy" else unit
    if isinstance(value, str):
        return value or "—", unit
    if unit == "Jy":
        return f"{value * 1e3:.4g}", "mJy"
    if isinstance(value, int):
        return str(value), unit
    return f"{value:.4g}", unit


@dataclass(frozen=True)
class StatisticRow:
    name: str
    help: str
    value: str
    unit: str
    sigma: str
    log_sigma: str


def statistics_rows(candidate):
    rows = []
    for title, value_name, sigma_name, log_name in STATISTICS:
        column = COLUMNS_BY_NAME[value_name]
        value, unit = _display(getattr(candidate, value_name), column.unit)
        sigma, _ = _display(getattr(candidate, sigma_name), "")
        log_sigma = _display(getattr(candidate, log_name), "")[0] if log_name else "—"
        rows.append(StatisticRow(title, column.help, value, unit, sigma, log_sigma))
    return rows


def measurement_rows(candidate):
    """(label, help, value text, unit) for the other `_final.csv` measurements."""
    rows = []
    for name, label in OTHER_MEASUREMENTS:
        column = COLUMNS_BY_NAME[name]
        value, unit = _display(getattr(candidate, name), column.unit)
        rows.append((label, column.help, value, unit))
    return rows


def _file_url(candidate, kind, inline=False):
    url = reverse("rating:file", args=[candidate.pk, kind])
    return url + "?inline=1" if inline else url


def _preview_url(candidate, kind):
    return reverse("rating:preview", args=[candidate.pk, kind])


def _firefly_request(candidate, stored, plot_id, title):
    """What the page's script passes to `firefly.showImage` for one FITS file."""
    request = {"div": f"firefly-{plot_id}", "plotId": plot_id, "title": title}
    if settings.FIREFLY_FILE_URL_BASE:
        request["url"] = f"{settings.FIREFLY_FILE_URL_BASE}/{stored.file.name}"
    else:
        request["file"] = f"{settings.FIREFLY_MEDIA_PATH}/{stored.file.name}"
    return request


def _readable_count(count, stored):
    """Planes or frames of a stored file; None when it cannot be read."""
    try:
        return count(stored)
    except (OSError, ValueError):
        return None


def _stretch_ranges(stored, companion):
    """The preview's zscale limits (pixel units) that Firefly is asked for,
    so both show a file alike: "cube" over the file's planes, "shared" over
    it and its companion panel's file (when there is one). Unreadable
    files give no range and Firefly computes its own zscale."""
    ranges = {}
    for name, files in (("cube", [stored]), ("shared", [stored, companion])):
        if name == "shared" and companion is None:
            continue
        try:
            limits = stretch_limits(files)
        except (OSError, ValueError):  # unreadable: Firefly's own zscale
            continue
        if limits is not None:
            ranges[name] = list(limits)
    return ranges


def image_panels(candidate, files):
    """The deep cutout and slices cube panels: Firefly request + PNG preview.

    Each FITS panel's Firefly request carries `ranges`, the absolute zscale
    limits its preview uses per stretch ("cube", and "shared" with the other
    panel's file), so Firefly and the preview match and the two panels can
    be shown on one stretch side by side.
    """
    panels = []
    kinds = (
        (CandidateFile.Kind.DEEPCUTOUT_FITS, "deep", "Deep cutout"),
        (CandidateFile.Kind.SLICES_FITS, "slices", "Slices cube"),
    )
    for kind, key, title in kinds:
        stored = files.get(kind)
        panel = {"key": key, "title": title, "kind": kind, "file": stored}
        if stored:
            (companion_kind,) = [other for other, *_ in kinds if other != kind]
            companion = files.get(companion_kind)
            panel["preview_url"] = _preview_url(candidate, kind)
            panel["firefly"] = _firefly_request(
                candidate, stored, f"{key}-{candidate.pk}", f"{candidate.name} {title}"
            )
            panel["firefly"]["ranges"] = _stretch_ranges(stored, companion)
            panel["planes"] = _readable_count(fits_plane_count, stored)
            panel["shares_stretch"] = companion is not None
        panels.append(panel)
    return panels


def gif_player(candidate, files):
    """The slices GIF: its URL, frame count and the URL pattern of its PNG frames."""
    stored = files.get(CandidateFile.Kind.SLICES_GIF)
    if not stored:
        return None
    return {
        "gif_url": _file_url(candidate, CandidateFile.Kind.SLICES_GIF, inline=True),
        "frame_url": reverse("rating:gif_frame", args=[candidate.pk, 0]).replace(
            "/0.png", "/{frame}.png"
        ),
        "frame_count": _readable_count(gif_frame_count, stored),
    }


def beam_maps(candidate, files):
    """Chi-square and peak maps: stored PNGs, else a FITS preview, else nothing."""
    maps = []
    for title, pngs, fits_kind in (
        (
            "Chi-square map",
            (BeamFile.Kind.CHISQUARE_MAP1, BeamFile.Kind.CHISQUARE_MAP2),
            BeamFile.Kind.CHISQUARE_FITS,
        ),
        (
            "Peak map",
            (BeamFile.Kind.PEAK_MAP1, BeamFile.Kind.PEAK_MAP2),
            BeamFile.Kind.PEAK_FITS,
        ),
    ):
        images = [
            {"url": _file_url(candidate, kind, inline=True), "label": label}
            for kind, label in zip(pngs, ("whole beam", "centre"))
            if kind in files
        ]
        if not images and fits_kind in files:
            images = [
                {"url": _preview_url(candidate, fits_kind), "label": "FITS preview"}
            ]
        maps.append({"title": title, "images": images})
    return maps


def downloads(candidate, files, has_lightcurve):
    """Every stored file (pipeline name, size) plus the light-curve CSV."""
    rows = [
        {
            "label": stored.get_kind_display(),
            "name": pipeline_filename(candidate, stored),
            "size": stored.size,
            "url": _file_url(candidate, stored.kind),
        }
        for stored in sorted(
            files.values(), key=lambda f: (f.kind not in _CANDIDATE_PRODUCTS, f.kind)
        )
    ]
    if has_lightcurve:
        rows.append(
            {
                "label": "light curve (CSV, mJy)",
                "name": lightcurve_csv_filename(candidate),
                "size": None,
                "url": reverse("rating:lightcurve_csv", args=[candidate.pk]),
            }
        )
    return rows


def stored_lightcurve(candidate):
    try:
        return candidate.lightcurve
    except Candidate.lightcurve.RelatedObjectDoesNotExist:
        return None


def rating_state(candidate, user):
    """Tags, the project's number keys ({key: Tag}), my rating and its history."""
    tags = list(Tag.objects.all())
    key_of = {
        tag.pk: key
        for key, tag in keyed_tags(candidate.observation.project_id, tags).items()
    }
    rating = (
        Rating.objects.select_related("tag")
        .filter(candidate=candidate, user=user)
        .first()
    )
    history = (
        list(RatingHistory.objects.select_related("tag").filter(rating=rating))
        if rating
        else []
    )
    return {
        "tags": tags,
        "tag_options": [(tag, key_of.get(tag.pk)) for tag in tags],
        "keyed_tags": sorted(
            ((key, tag) for tag in tags if (key := key_of.get(tag.pk))),
            key=lambda pair: pair[0],
        ),
        "my_rating": rating,
        "history": history,
    }


def page_context(candidate):
    """Everything about the candidate itself (not the rater) for the template."""
    files = stored_files(candidate)
    lightcurve = stored_lightcurve(candidate)
    points = (
        lightcurve_points(lightcurve, candidate.observation.start_time)
        if lightcurve
        else []
    )
    panels = image_panels(candidate, files)
    return {
        "statistics": statistics_rows(candidate),
        "measurements": measurement_rows(candidate),
        "positions": candidate_positions(candidate),
        "image_panels": panels,
        "gif_player": gif_player(candidate, files),
        "beam_maps": beam_maps(candidate, files),
        "dynamic_spectrum_url": (
            _file_url(candidate, CandidateFile.Kind.DYNAMIC_SPECTRA_PNG, inline=True)
            if CandidateFile.Kind.DYNAMIC_SPECTRA_PNG in files
            else ""
        ),
        "downloads": downloads(candidate, files, bool(points)),
        "lightcurve_points": len(points),
        "lightcurve_svg": lightcurve_svg(points) if points else "",
        "viewer_config": {
            "fireflyUrl": settings.FIREFLY_URL,
            "timeoutMs": FIREFLY_TIMEOUT_MS,
            "viewers": [p["firefly"] for p in panels if p.get("firefly")],
        },
    }
