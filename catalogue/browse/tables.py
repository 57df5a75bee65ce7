"""The catalogue table: one column per `_final.csv` column plus context.

Numbers are shown in readable units with the unit in the header (fluxes in
mJy although stored in Jy); the header tooltip is the column's help text
from `catalogue.survey.columns`. Sorting goes through `querying.sorted_candidates`
so the table, the exports and "Rate & next" order rows the same way.
"""

import copy
from html import escape

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from catalogue.browse.querying import sorted_candidates
from catalogue.survey.columns import FINAL_CSV_COLUMNS

# Column name → (header, display unit, factor from stored unit, decimals).
DISPLAY = {
    "ra": ("RA", "deg", 1, 5),
    "dec": ("Dec", "deg", 1, 5),
    "chi_square": ("χ²", "", 1, 1),
    "chi_square_log_sigma": ("χ² log σ", "", 1, 2),
    "chi_square_sigma": ("χ² σ", "", 1, 2),
    "peak_map": ("Peak", "mJy", 1000, 2),
    "peak_map_log_sigma": ("Peak log σ", "", 1, 2),
    "peak_map_sigma": ("Peak σ", "", 1, 1),
    "gaussian_map": ("Gauss", "", 1, 2),
    "gaussian_map_sigma": ("Gauss σ", "", 1, 2),
    "std_map": ("Std", "mJy", 1000, 3),
    "bright_sep_arcmin": ("Bright sep", "arcmin", 1, 2),
    "beam_ra": ("Beam RA", "deg", 1, 4),
    "beam_dec": ("Beam Dec", "deg", 1, 4),
    "beam_sep_deg": ("Beam sep", "deg", 1, 3),
    "deep_ra_deg": ("Deep RA", "deg", 1, 5),
    "deep_dec_deg": ("Deep Dec", "deg", 1, 5),
    "deep_sep_arcsec": ("Deep sep", "arcsec", 1, 2),
    "deep_num": ("Deep #", "", 1, 0),
    "deep_peak_flux": ("Deep peak", "mJy", 1000, 2),
    "deep_int_flux": ("Deep int", "mJy", 1000, 2),
    "md_deep": ("MD deep", "", 1, 3),
    "source_id": ("Source", "", 1, 0),
}
TEXT_HEADERS = {
    "name": "Name",
    "ra_str": "RA (hms)",
    "dec_str": "Dec (dms)",
    "deep_name": "Deep name",
}
DEFAULT_COLUMNS = (
    "name",
    "observation",
    "beam",
    "ra",
    "dec",
    "chi_square_sigma",
    "peak_map",
    "peak_map_sigma",
    "gaussian_map_sigma",
    "md_deep",
    "deep_sep_arcsec",
    "beam_sep_deg",
)
ALWAYS_SHOWN = ("name", "separation_arcsec")


def header(text, unit):
    return f"{text} ({unit})" if unit else text


class SortedColumnMixin:
    """Orders through `sorted_candidates`: NULLs last, `id` tie-breaker.

    Cells are rendered by `cell()`, a plain function of the value: the
    catalogue body is built in one pass (`CandidateTable.body_html`) because
    django-tables2's per-cell template machinery cost more than the queries.
    """

    def __init__(self, *args, sort_key, cone=False, **kwargs):
        self.sort_key = sort_key
        self.cone = cone
        super().__init__(*args, **kwargs)

    def __deepcopy__(self, memo):
        # Every table copies its ~30 class-level columns; a column's only
        # per-table state is set on the copy (`query_suffix`), so copying
        # the object and its attrs dicts is enough, and much cheaper.
        column = copy.copy(self)
        column.attrs = {key: dict(value) for key, value in self.attrs.items()}
        return column

    def order(self, queryset, is_descending):
        key = f"-{self.sort_key}" if is_descending else self.sort_key
        return sorted_candidates(queryset, key, cone=self.cone), True


EMPTY_CELL = '<td class="empty">—</td>'


class TextColumn(SortedColumnMixin, tables.Column):
    def cell(self, value, record):
        if value in (None, ""):
            return EMPTY_CELL
        return f"<td>{escape(str(value))}</td>"


class NumberColumn(SortedColumnMixin, tables.Column):
    """A number scaled to its display unit with fixed decimals."""

    def __init__(self, *args, factor=1, decimals=2, **kwargs):
        self.factor = factor
        self.decimals = decimals
        super().__init__(*args, **kwargs)

    def cell(self, value, record):
        if value is None:
            return EMPTY_CELL
        return f'<td class="num">{value * self.factor:.{self.decimals}f}</td>'


class NameColumn(TextColumn):
    """The candidate name, linking to its page with the catalogue's filters.

    The filters ride along so that "Rate & next" on the candidate page stays
    within the list the rater was looking at.
    """

    query_suffix = ""  # "?<filters>", set per table by `BaseCandidateTable`
    url_pattern = "{}"  # the candidate URL with "{}" for the id, set per page

    def cell(self, value, record):
        url = self.url_pattern.format(record["id"])
        return (
            f'<td class="name"><a href="{escape(url + self.query_suffix)}">'
            f"{escape(value)}</a></td>"
        )


def _tooltip(text):
    return {"th": {"title": text}}


def csv_column(column):
    """The table column for one `_final.csv` column."""
    if column.name == "name":
        return NameColumn(
            sort_key="name", verbose_name="Name", attrs=_tooltip(column.help)
        )
    if column.name in DISPLAY:
        text, unit, factor, decimals = DISPLAY[column.name]
        return NumberColumn(
            sort_key=column.name,
            verbose_name=header(text, unit),
            factor=factor,
            decimals=decimals,
            attrs={"th": {"title": column.help}, "td": {"class": "num"}},
        )
    return TextColumn(
        sort_key=column.name,
        verbose_name=TEXT_HEADERS.get(column.name, column.name),
        attrs=_tooltip(column.help),
    )


class BaseCandidateTable(tables.Table):
    """Context columns that are not in `_final.csv`."""

    def __init__(self, *args, filter_query="", **kwargs):
        super().__init__(*args, **kwargs)
        if filter_query and "name" in self.columns:
            self.columns["name"].column.query_suffix = f"?{filter_query}"

    def _value_keys(self):
        """(column, key of its value in a page record) per shown column."""
        return [
            (bound.column, str(bound.accessor).replace(".", "__"))
            for bound in self.columns
        ]

    def record_fields(self):
        """What a page fetches per row (`values()` keys): the id and the
        shown columns only, as dicts rather than model instances."""
        return ["id", *{key for _, key in self._value_keys()}]

    def body_html(self):
        """The `<tr>` rows of the current page (dicts of `record_fields`)."""
        if "name" in self.columns:
            # One reverse() for the page instead of one per row.
            self.columns["name"].column.url_pattern = reverse(
                "rating:candidate", args=[0]
            ).replace("/0/", "/{}/")
        columns = self._value_keys()
        rows = [
            "<tr>"
            + "".join(column.cell(record[key], record) for column, key in columns)
            + "</tr>"
            for record in self.page.object_list.data
        ]
        if not rows:
            rows = [
                format_html(
                    '<tr><td colspan="{}" class="empty-text">{}</td></tr>',
                    len(columns),
                    self.empty_text,
                )
            ]
        return mark_safe("\n".join(rows))

    project = TextColumn(
        sort_key="project",
        accessor="observation__project__slug",
        verbose_name="Project",
        attrs=_tooltip("Survey project"),
    )
    observation = TextColumn(
        sort_key="observation",
        accessor="observation__sbid",
        verbose_name="Observation",
        attrs=_tooltip("Scheduling block (SBID)"),
    )
    beam = NumberColumn(
        sort_key="beam",
        accessor="beam__index",
        verbose_name="Beam",
        decimals=0,
        attrs={"th": {"title": "Beam index (0–35)"}, "td": {"class": "num"}},
    )
    separation_arcsec = NumberColumn(
        sort_key="separation_arcsec",
        cone=True,
        verbose_name=header("Separation", "arcsec"),
        decimals=2,
        attrs={
            "th": {"title": "Separation from the cone centre"},
            "td": {"class": "num"},
        },
    )

    class Meta:
        attrs = {"class": "data-table catalogue-table"}
        order_by_field = "sort"
        empty_text = "No candidates match these filters."
        sequence = ("name", "project", "observation", "beam", "separation_arcsec")
        sequence += ("...",)


CandidateTable = type(BaseCandidateTable)(
    "CandidateTable",
    (BaseCandidateTable,),
    {
        "__module__": __name__,
        "__doc__": "Every catalogue column; the view excludes the unchosen ones.",
        "Meta": BaseCandidateTable.Meta,
        **{column.name: csv_column(column) for column in FINAL_CSV_COLUMNS},
    },
)

CHOOSABLE_COLUMNS = tuple(
    (name, column.verbose_name)
    for name, column in CandidateTable.base_columns.items()
    if name not in ALWAYS_SHOWN
)


def excluded_columns(chosen, cone):
    """Columns to leave out given the user's `chosen` names and a cone search."""
    shown = set(chosen or DEFAULT_COLUMNS) | {"name"}
    if cone:
        shown.add("separation_arcsec")
    return tuple(name for name in CandidateTable.base_columns if name not in shown)
