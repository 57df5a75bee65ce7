"""Catalogue views (login required): the filtered table, exports, column chooser."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseBadRequest, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import View
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from catalogue.access.rules import hidden_project_slugs
from catalogue.browse.bounds import column_bounds
from catalogue.browse.display_units import display_unit, wants_log_slider
from catalogue.browse.export_fits import fits_chunks
from catalogue.browse.exports import (
    csv_lines,
    ecsv_lines,
    export_provenance,
    votable_chunks,
)
from catalogue.browse.filters import CandidateFilterSet
from catalogue.browse.forms import filter_widget
from catalogue.browse.models import CataloguePreference
from catalogue.browse.pagination import DEFAULT_PER_PAGE, CataloguePaginator
from catalogue.browse.query_params import pairs_without, query_without
from catalogue.browse.querying import (
    base_candidates,
    catalogue_filterset,
    clean_sort,
    sorted_candidates,
)
from catalogue.browse.reference_lists import reference_lists, visible_reference_lists
from catalogue.browse.saved_queries import queries_for
from catalogue.browse.tables import (
    CHOOSABLE_COLUMNS,
    DISPLAY,
    CandidateTable,
    excluded_columns,
)
from catalogue.survey.columns import NUMERIC_COLUMNS

# The shown columns in the URL: `columns=name,peak_map,...` (table order kept).
COLUMNS_PARAM = "columns"
FILTER_GROUPS = {
    "search": ("name", "project", "observation", "beam", "deep_num", "best_beam"),
    "cone": ("cone_ra", "cone_dec", "cone_radius", "cone_unit", "cone_target"),
    "rating": (
        "rating_status",
        "my_label",
        "label",
        "tag",
        "consensus",
        "disputed",
    ),
}


def chosen_columns(user, params=None):
    """The columns to show ([] means the default set).

    The URL's `columns` parameter (comma-separated names, unknown ones
    ignored) when present, so a shared link or saved query shows the same
    columns to everyone; otherwise the user's remembered choice, which
    `portal.backends.PortalModelBackend` loads with the user.
    """
    if params is not None and COLUMNS_PARAM in params:
        known = {name for name, _ in CHOOSABLE_COLUMNS}
        names = params.get(COLUMNS_PARAM, "").split(",")
        return [name for name in names if name in known]
    try:
        return user.catalogue_preference.columns
    except CataloguePreference.DoesNotExist:
        return []


class CandidateListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """`/catalogue/`: filter, sort and page through candidates."""

    template_name = "catalogue/candidate_list.html"
    filterset_class = CandidateFilterSet
    table_class = CandidateTable
    # Pagination is the table's only (not `paginate_by`, which would make
    # ListView count and fetch the queryset a second time).
    table_pagination = {
        "per_page": DEFAULT_PER_PAGE,
        "paginator_class": CataloguePaginator,
    }

    def get_queryset(self):
        return base_candidates()

    def get_filterset_kwargs(self, filterset_class):
        # Always bound (also with an empty query string) so defaults apply.
        return {
            "data": self.request.GET,
            "queryset": self.get_queryset(),
            "request": self.request,
        }

    def get_table_pagination(self, table):
        pagination = dict(super().get_table_pagination(table))
        # A cone (radius ≤ 10 deg) holds few enough rows to count exactly.
        pagination["count_exactly"] = self.filterset.cone is not None
        pagination["count_at_most"] = self.filterset.count_at_most
        pagination["count_asked"] = self.request.GET.get("count") == "exact"
        return pagination

    def get_table_data(self):
        cone = self.filterset.cone is not None
        return sorted_candidates(self.object_list, self.request.GET.get("sort"), cone)

    def get_table_kwargs(self):
        cone = self.filterset.cone is not None
        return {
            "exclude": excluded_columns(
                chosen_columns(self.request.user, self.request.GET), cone
            ),
            "order_by": clean_sort(self.request.GET.get("sort"), cone),
            # The list's filters, sort and page size: Previous / Next and "back
            # to list" on the candidate page walk and find this same list.
            "filter_query": query_without(self.request.GET, "page", "count"),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.filterset.form
        table = context["table"]
        cone = self.filterset.cone
        params = self.request.GET
        context.update(
            form=form,
            filter_groups=filter_groups_html(form, params, self.request.user),
            cone=cone,
            query=params.urlencode(),
            export_query=query_without(params, "page", "per_page", "count"),
            # The same list, counted exactly (one click from an estimate).
            exact_count_query=exact_count_query(params),
            column_choices=render_fragment(
                "catalogue/browse/column_choices.html",
                {
                    "choosable": CHOOSABLE_COLUMNS,
                    "shown": {column.name for column in table.columns},
                },
            ),
            table_html=table_html(table, params),
            saved_queries=list(queries_for(self.request.user)),
            saved_query=query_without(params, "page"),
        )
        return context


def exact_count_query(params):
    """The query string of this list asking for its exact count."""
    query = params.copy()
    query.pop("page", None)
    query["count"] = "exact"
    return query.urlencode()


def render_fragment(template_name, context):
    """A Jinja2 fragment of the page, for the Django template to include.

    Jinja2 escaped every value while rendering, so the result is safe.
    """
    return mark_safe(render_to_string(template_name, context, using="jinja2"))


def filter_groups_html(form, params, user):
    """The filter panel's field groups and column ranges (Jinja2-rendered)."""
    lists = visible_reference_lists(user, reference_lists())
    choices = {"project": lists["projects"], "tag": lists["tags"]}
    groups = {
        group: [filter_widget(form[name], choices.get(name)) for name in names]
        for group, names in FILTER_GROUPS.items()
    }
    ranges_open = any(
        params.get(f"{column.name}_{suffix}")
        for column in NUMERIC_COLUMNS
        for suffix in ("min", "max")
    )
    return render_fragment(
        "catalogue/browse/filter_groups.html",
        {
            "groups": groups,
            "observations": lists["observations"],
            "range_rows": range_rows(form, hidden_project_slugs(user)),
            "ranges_open": ranges_open,
        },
    )


def table_html(table, params):
    """The candidate table with sortable headers, its rows and pagination
    (Jinja2-rendered); `params` is the request's query string."""
    columns = table.shown_columns()
    return render_fragment(
        "catalogue/browse/table.html",
        {
            "table": table,
            "columns": columns,
            "rows": table.page_rows(columns),
            "sort_pairs": pairs_without(params, "sort", "page"),
            "page_pairs": pairs_without(params, "page"),
        },
    )


def range_rows(form, hidden_slugs=frozenset()):
    """Per numeric column: typed bounds, data bounds and errors for the panel.

    Everything is in the column's display unit (the table's, e.g. mJy), the
    unit the inputs take: the label names it, the placeholders and the
    slider span the data's bounds converted to it. A column whose positive
    values span two decades or more gets a logarithmic slider
    (`wants_log_slider`); its number inputs still take plain values.

    The 50 range inputs are written straight into the template rather than
    through form widgets: widget templates made up most of the page's time.
    """
    bounds = column_bounds(hidden_slugs)
    rows = []
    for column in NUMERIC_COLUMNS:
        shown = display_unit(column.name)
        low, high = (shown.to_display(value) for value in bounds[column.name])
        names = (f"{column.name}_min", f"{column.name}_max")
        rows.append(
            {
                "column": column,
                "label": DISPLAY.get(column.name, (column.name,))[0],
                # σ is named by the label already ("Peak σ"), as in the table.
                "unit": "" if shown.unit == "σ" else shown.unit,
                "min_value": form.data.get(names[0], ""),
                "max_value": form.data.get(names[1], ""),
                "low": low,
                "high": high,
                "low_text": "" if low is None else f"{low:.4g}",
                "high_text": "" if high is None else f"{high:.4g}",
                "slider": low is not None and high is not None and low < high,
                "log_slider": wants_log_slider(low, high),
                "errors": [
                    *form.errors.get(names[0], []),
                    *form.errors.get(names[1], []),
                ],
            }
        )
    return rows


class CatalogueExportView(LoginRequiredMixin, View):
    """The whole filtered set, streamed as CSV, ECSV, VOTable or FITS.

    The file is named `candidates-<UTC time>.<format>`; the filter is not
    in the name (it can be any length) but inside ECSV, VOTable and FITS.
    """

    formats = {
        "csv": ("text/csv; charset=utf-8", csv_lines),
        "ecsv": ("text/x-ecsv; charset=utf-8", ecsv_lines),
        "vot": ("application/x-votable+xml; charset=utf-8", votable_chunks),
        "fits": ("application/fits", fits_chunks),
    }

    def get(self, request, export_format):
        filterset = catalogue_filterset(request.GET, request.user)
        if not filterset.is_valid():
            messages = "; ".join(
                f"{field}: {' '.join(problems)}"
                for field, problems in filterset.errors.items()
            )
            return HttpResponseBadRequest(
                f"Bad catalogue filter: {messages}\n", content_type="text/plain"
            )
        cone = filterset.cone is not None
        sort = clean_sort(request.GET.get("sort"), cone)
        candidates = sorted_candidates(filterset.qs, sort, cone)
        content_type, generate = self.formats[export_format]
        response = StreamingHttpResponse(
            generate(candidates, cone, export_provenance(request, sort)),
            content_type=content_type,
        )
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
        response["Content-Disposition"] = (
            f'attachment; filename="candidates-{stamp}.{export_format}"'
        )
        return response


@login_required
@require_POST
def choose_columns(request):
    """Remember which catalogue columns the user wants, then go back."""
    known = {name for name, _ in CHOOSABLE_COLUMNS}
    columns = [name for name in request.POST.getlist("columns") if name in known]
    CataloguePreference.objects.update_or_create(
        user=request.user, defaults={"columns": columns}
    )
    # Only a re-encoded query string travels back: never a URL, so never an
    # open redirect or a header injection. The choice rides in it too, so
    # the address of the page says which columns it shows.
    params = QueryDict(request.POST.get("query", ""), mutable=True)
    params[COLUMNS_PARAM] = ",".join(columns)
    query = params.urlencode()
    target = reverse("catalogue:list")
    return redirect(f"{target}?{query}" if query else target)
