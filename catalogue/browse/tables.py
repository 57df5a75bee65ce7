"""The catalogue table: one column per `_final.csv` column plus context.

Numbers are shown in their display unit with the unit in the header (fluxes
in mJy although stored in Jy, `catalogue.browse.display_units`), the unit
the range filters take; the header tooltip is the column's help text
from `catalogue.survey.columns`. Sorting goes through `querying.sorted_candidates`
so the table, the exports and "Rate & next" order rows the same way.
"""

from dataclasses import dataclass
from functools import lru_cache

import django_tables2 as tables
from django.urls import reverse
from django_tables2.utils import AttributeDict

from catalogue.browse.adapters.tables2 import CheaplyCopiedColumnMixin, record_key
from catalogue.browse.display_units import display_unit
from catalogue.browse.querying import sorted_candidates
from catalogue.survey.columns import FINAL_CSV_COLUMNS

# Column name → (header, decimals). The unit and the factor from the stored
# unit are the column's display unit (`catalogue.browse.display_units`), the
# one its filters take; σ is left out of the header, which names it already.
DISPLAY = {
    "ra": ("RA", 5),
    "dec": ("Dec", 5),
    "chi_square": ("χ²", 1),
    "chi_square_log_sigma": ("χ² log σ", 2),
    "chi_square_sigma": ("χ² σ", 2),
    "peak_map": ("Peak", 2),
    "peak_map_log_sigma": ("Peak log σ", 2),
    "peak_map_sigma": ("Peak σ", 1),
    "gaussian_map": ("Gauss", 2),
    "gaussian_map_sigma": ("Gauss σ", 2),
    "std_map": ("Std", 3),
    "bright_sep_arcmin": ("Bright sep", 2),
    "beam_ra": ("Beam RA", 4),
    "beam_dec": ("Beam Dec", 4),
    "beam_sep_deg": ("Beam sep", 3),
    "deep_ra_deg": ("Deep RA", 5),
    "deep_dec_deg": ("Deep Dec", 5),
    "deep_sep_arcsec": ("Deep sep", 2),
    "deep_num": ("Deep #", 0),
    "deep_peak_flux": ("Deep peak", 2),
    "deep_int_flux": ("Deep int", 2),
    "md_deep": ("MD deep", 3),
    "source_id": ("Source", 0),
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


class SortedColumnMixin(CheaplyCopiedColumnMixin):
    """Orders through `sorted_candidates`: NULLs last, `id` tie-breaker.

    A cell's text comes from `cell_text()`, a plain function of the value
    (None for an empty cell): the table template writes the rows in one
    pass, because django-tables2's per-cell template machinery cost more
    than the queries.
    """

    links = False  # whether the cell links to the candidate page

    def __init__(self, *args, sort_key, cone=False, **kwargs):
        self.sort_key = sort_key
        self.cone = cone
        super().__init__(*args, **kwargs)

    def order(self, queryset, is_descending):
        key = f"-{self.sort_key}" if is_descending else self.sort_key
        return sorted_candidates(queryset, key, cone=self.cone), True


class TextColumn(SortedColumnMixin, tables.Column):
    def cell_text(self, value):
        return None if value in (None, "") else str(value)


class NumberColumn(SortedColumnMixin, tables.Column):
    """A number scaled to its display unit with fixed decimals."""

    def __init__(self, *args, factor=1, decimals=2, **kwargs):
        self.factor = factor
        self.decimals = decimals
        super().__init__(*args, **kwargs)

    def cell_text(self, value):
        if value is None:
            return None
        return f"{value * self.factor:.{self.decimals}f}"


class NameColumn(TextColumn):
    """The candidate name, linking to its page with the catalogue's filters.

    The filters ride along so that "Rate & next" on the candidate page stays
    within the list the rater was looking at.
    """

    links = True

    def cell_text(self, value):
        return str(value)


EMPTY_CELL_TEXT = "—"  # shown for a NULL (or blank text) value


@dataclass(frozen=True, slots=True)
class ShownColumn:
    """One shown column as the table template writes it.

    The attributes are the column's django-tables2 `attrs` ("th" with the
    ordering classes, "td"), resolved once per column rather than per cell.
    An empty cell keeps the "td" attributes but its class is "empty", so a
    dash is not styled (aligned) as a number.
    """

    name: str
    header: str
    th_attrs: str
    td_attrs: str
    empty_attrs: str
    links: bool
    sort_target: str  # the `sort` its header link asks for


@lru_cache(maxsize=256)
def _attributes_html(items):
    return AttributeDict(items).as_html()


def attributes_html(attrs):
    """`AttributeDict(attrs).as_html()`, remembered: it costs about 10 µs
    (a `format_html` per attribute) and the table writes the same few
    attribute sets on every page. `attrs` holds resolved values (a bound
    column's `attrs` has called any callables), so caching them is exact."""
    try:
        return _attributes_html(tuple(attrs.items()))
    except TypeError:  # an unhashable value: not worth remembering
        return AttributeDict(attrs).as_html()


def shown_column(bound_column):
    """The `ShownColumn` of a django-tables2 bound column of the table."""
    attrs = bound_column.attrs
    ascending = bound_column.is_ordered and not (
        bound_column.order_by_alias.is_descending
    )
    return ShownColumn(
        name=bound_column.name,
        header=str(bound_column.header),
        th_attrs=attributes_html(attrs["th"]),
        td_attrs=attributes_html(attrs["td"]),
        empty_attrs=attributes_html({**attrs["td"], "class": "empty"}),
        links=bound_column.column.links,
        sort_target=f"-{bound_column.name}" if ascending else bound_column.name,
    )


def _tooltip(text):
    return {"th": {"title": text}}


def csv_column(column):
    """The table column for one `_final.csv` column."""
    if column.name == "name":
        return NameColumn(
            sort_key="name",
            verbose_name="Name",
            attrs={"th": {"title": column.help}, "td": {"class": "name"}},
        )
    if column.name in DISPLAY:
        text, decimals = DISPLAY[column.name]
        shown = display_unit(column.name)
        unit = "" if shown.unit == "σ" else shown.unit
        return NumberColumn(
            sort_key=column.name,
            verbose_name=header(text, unit),
            factor=float(shown.factor),
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
        """`filter_query`: the query string the name links carry."""
        super().__init__(*args, **kwargs)
        self.filter_query = filter_query

    def _value_keys(self):
        """(column, key of its value in a page record) per shown column."""
        return [(bound.column, record_key(bound)) for bound in self.columns]

    def record_fields(self):
        """What a page fetches per row (`values()` keys): the id and the
        shown columns only, as dicts rather than model instances."""
        return ["id", *{key for _, key in self._value_keys()}]

    def shown_columns(self):
        """The shown columns, in order, as the table template writes them."""
        return [shown_column(bound) for bound in self.columns]

    def page_rows(self, shown_columns):
        """The cells of the current page's rows (dicts of `record_fields`),
        each as (td attributes, text, link or None).

        The link is the candidate page's URL with the filters. Everything
        per cell is decided here so that the template only writes it: the
        cells are most of the page's output.
        """
        # One reverse() for the page instead of one per row.
        url_pattern = reverse("rating:candidate", args=[0]).replace("/0/", "/{}/")
        suffix = f"?{self.filter_query}" if self.filter_query else ""
        cells = [
            (shown, column.cell_text, key)
            for shown, (column, key) in zip(
                shown_columns, self._value_keys(), strict=True
            )
        ]
        rows = []
        for row in self.page.object_list:
            record = row.record
            url = url_pattern.format(record["id"]) + suffix
            rows.append(
                [
                    (shown.empty_attrs, EMPTY_CELL_TEXT, None)
                    if (text := cell_text(record[key])) is None
                    else (shown.td_attrs, text, url if shown.links else None)
                    for shown, cell_text, key in cells
                ]
            )
        return rows

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
