"""The scanning grid: the catalogue list's current filters and sort as cards.

`scan_candidates` is the one place that decides which candidates the grid
walks (today: the catalogue list itself; a "needs ratings" mode narrows it
there). Pages are keyset seeks after the last card shown
(`Listing.rows_after`), never OFFSET, so "load more" costs the same at any
depth and keeps its place when ratings change the list.

A page costs a fixed number of queries whatever it shows: the cards with
their beam, observation, project, light curve, my rating and which previews
exist (one to three seek steps, plus the sort key of the card it follows),
then the trigger-kept label counts of the cards.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse

from catalogue.access.rules import may_rate
from catalogue.browse.querying import CONE_SORT_KEY
from catalogue.survey.columns import COLUMNS_BY_NAME
from catalogue.survey.models import Candidate, CandidateFile
from rating.consensus import consensus_of_label_counts
from rating.models import CandidateLabelCount, Label, Rating

PAGE_SIZE = 48
SPARK_WIDTH, SPARK_HEIGHT = 160, 36  # px of the sparkline's viewBox
SPARK_PAD = 2  # px kept free around the line
# (column, short label) always shown on a card; the sort column joins them.
KEY_STATISTICS = (
    ("chi_square_sigma", "χ²"),
    ("peak_map_sigma", "peak"),
    ("peak_map", "flux"),
)
LABEL_NAMES = dict(Label.choices)


def scan_candidates(listing, user):
    """The candidates the grid shows for `user`, unordered: the list's own.

    The grid's order and seek come from `listing`; a mode that serves only
    some of the list (e.g. candidates that still need ratings) filters here.
    """
    return listing.candidates


CARD_FIELDS = (
    "id",
    "name",
    "beam__index",
    "observation__sbid",
    "observation__project__slug",
    "observation__project__name",
    "lightcurve__times_mjd",
    "lightcurve__peak_flux_jy",
)


def annotate_my_rating(candidates, user):
    """Add `my_label` and `my_tag` (tag name), None where I have not rated."""
    mine = Rating.objects.filter(candidate=OuterRef("pk"), user=user)
    return candidates.annotate(
        my_label=Subquery(mine.values("label")[:1]),
        my_tag=Subquery(mine.values("tag__name")[:1]),
    )


def _stored(kind):
    return Exists(CandidateFile.objects.filter(candidate=OuterRef("pk"), kind=kind))


def _card_rows(candidates, sort_path, user):
    """`candidates` with only what a card reads but the team's counts, in the
    same query: joined rows, my rating and which previews exist. Building 48
    full candidates (about 40 columns with their relations) was most of a
    page's time; each further query costs a round trip."""
    statistics = [name for name, _ in _statistics_names(sort_path)]
    fields = [*CARD_FIELDS, *(n for n in statistics if n != CONE_SORT_KEY)]
    rows = candidates.select_related("lightcurve").only(*fields)
    return annotate_my_rating(rows, user).annotate(
        has_deep_cutout=_stored(CandidateFile.Kind.DEEPCUTOUT_FITS),
        has_slices_cube=_stored(CandidateFile.Kind.SLICES_FITS),
    )


@dataclass
class Card:
    """One candidate of the grid, ready for the template."""

    candidate: object
    url: str
    statistics: list
    sparkline: str
    deep_preview: str | None
    peak_preview: str | None
    my_label: str | None = None
    my_tag: str | None = None
    n_ratings: int = 0
    consensus: str | None = None
    agreement: float | None = None
    may_rate: bool = True  # False: the user's role in its project is a viewer's

    @property
    def my_label_text(self):
        return LABEL_NAMES.get(self.my_label, "")

    @property
    def consensus_text(self):
        return LABEL_NAMES.get(self.consensus, "")


@dataclass
class GridPage:
    """The cards of one page and the id to continue after (None at the end)."""

    cards: list
    next_after: int | None

    @property
    def may_rate_any(self):
        """Can the user label at least one card of the page?"""
        return any(card.may_rate for card in self.cards)


def sparkline_points(lightcurve):
    """SVG polyline points ("x,y x,y …", px) of the peak flux against time,
    scaled to fill the sparkline box; "" with fewer than two finite points."""
    if lightcurve is None:
        return ""
    pairs = [
        (t, f)
        for t, f in zip(lightcurve.times_mjd, lightcurve.peak_flux_jy)
        if isinstance(t, int | float)
        and isinstance(f, int | float)
        and t == t
        and f == f
        and abs(t) != float("inf")
        and abs(f) != float("inf")
    ]
    if len(pairs) < 2:
        return ""
    pairs.sort()
    t0, t1 = pairs[0][0], pairs[-1][0]
    low = min(f for _, f in pairs)
    high = max(f for _, f in pairs)
    span_t = (t1 - t0) or 1.0
    span_f = (high - low) or 1.0
    width = SPARK_WIDTH - 2 * SPARK_PAD
    height = SPARK_HEIGHT - 2 * SPARK_PAD
    return " ".join(
        f"{SPARK_PAD + width * (t - t0) / span_t:.1f},"
        f"{SPARK_PAD + height * (1 - (f - low) / span_f):.1f}"
        for t, f in pairs
    )


def _statistic(name, label, candidate):
    """(label, text, unit) of a column on a card; Jy shown as mJy."""
    if name == CONE_SORT_KEY:
        value = getattr(candidate, name, None)
        return (
            "sep.",
            "—" if value is None else f"{value:.3g}",
            "arcsec",
        )
    column = COLUMNS_BY_NAME[name]
    value = getattr(candidate, name)
    unit = "mJy" if column.unit == "Jy" else column.unit
    if value is None:
        return (label, "—", unit)
    if isinstance(value, str):
        return (label, value or "—", unit)
    if column.unit == "Jy":
        value *= 1e3
    text = str(value) if isinstance(value, int) else f"{value:.3g}"
    return (label, text, unit)


def _statistics_names(sort_path):
    names = [(name, label) for name, label in KEY_STATISTICS]
    shown = {name for name, _ in names}
    if sort_path and sort_path not in shown:
        if sort_path == CONE_SORT_KEY or sort_path in COLUMNS_BY_NAME:
            names.append((sort_path, sort_path.replace("_", " ")))
    return names


_SAMPLE_ID = 918273645  # stands for the candidate id in a reversed URL


def url_maker(name, *args):
    """A function id → URL of `name` with `args` after the id: one `reverse()`
    per page instead of three per card."""
    head, tail = reverse(name, args=[_SAMPLE_ID, *args]).split(str(_SAMPLE_ID))
    return lambda pk: f"{head}{pk}{tail}"


def _preview_urls(candidate, deep_url, peak_url):
    deep = deep_url(candidate.pk) if candidate.has_deep_cutout else None
    peak = peak_url(candidate.pk) if candidate.has_slices_cube else None
    return deep, peak


def _lightcurve(candidate):
    try:
        return candidate.lightcurve
    except type(candidate).lightcurve.RelatedObjectDoesNotExist:
        return None


def grid_page(listing, user, querystring, after_id=None, size=PAGE_SIZE):
    """The `GridPage` of up to `size` cards, first of the list or after
    `after_id`; `querystring` (the list's filters and sort) rides on each
    card's link to the candidate page."""
    candidates = _card_rows(scan_candidates(listing, user), listing.path, user)
    if after_id is None:
        rows = listing.leading_rows(size + 1, candidates)
    else:
        rows = listing.rows_after(after_id, size + 1, candidates)
    more = len(rows) > size
    rows = rows[:size]
    names = _statistics_names(listing.path)
    suffix = f"?{querystring}" if querystring else ""
    candidate_url = url_maker("rating:candidate")
    deep_url = url_maker("rating:preview", CandidateFile.Kind.DEEPCUTOUT_FITS)
    peak_url = url_maker("scan:peak_preview")
    cards = []
    for candidate in rows:
        deep, peak = _preview_urls(candidate, deep_url, peak_url)
        cards.append(
            Card(
                candidate=candidate,
                url=candidate_url(candidate.pk) + suffix,
                statistics=[_statistic(n, label, candidate) for n, label in names],
                sparkline=sparkline_points(_lightcurve(candidate)),
                deep_preview=deep,
                peak_preview=peak,
                may_rate=may_rate(user, candidate.observation.project_id),
            )
        )
    fill_rating_state(cards, user)
    return GridPage(cards=cards, next_after=rows[-1].pk if more else None)


def team_states(candidate_ids):
    """{candidate id: {n_ratings, consensus, agreement}} from the trigger-kept
    label counts, in one query."""
    counts = {
        row["candidate"]: row
        for row in consensus_of_label_counts(
            CandidateLabelCount.objects.filter(candidate_id__in=candidate_ids)
        )
    }
    states = {}
    for pk in candidate_ids:
        count = counts.get(pk)
        states[pk] = {
            "n_ratings": count["n_raters"] if count else 0,
            "consensus": count["consensus"] if count else None,
            "agreement": count["agreement"] if count else None,
        }
    return states


def rating_states(user, candidate_ids):
    """{candidate id: {my_label, my_tag, n_ratings, consensus, agreement}}
    of the cards the JSON actions changed, in two queries."""
    mine = annotate_my_rating(Candidate.objects.filter(pk__in=candidate_ids), user)
    states = team_states(candidate_ids)
    for pk, label, tag in mine.values_list("pk", "my_label", "my_tag"):
        states[pk].update(my_label=label, my_tag=tag)
    return states


def fill_rating_state(cards, user):
    """The team's counts on each card (my rating came with the card)."""
    states = team_states([card.candidate.pk for card in cards])
    for card in cards:
        card.my_label = card.candidate.my_label
        card.my_tag = card.candidate.my_tag
        for name, value in states[card.candidate.pk].items():
            setattr(card, name, value)
