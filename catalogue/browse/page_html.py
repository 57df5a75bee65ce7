"""HTML of the catalogue page's big parts, written in Python (SPEC §14).

The filter panel (about 70 inputs), the column chooser and the table
(header, rows, pagination) are plain string building here. Through the
template engine they cost most of the page's server time: about a thousand
variable lookups and a dozen template includes per request. The markup is
what the templates wrote; the template keeps the page's layout.

Every value written into the HTML goes through `escape` (or `field_html`,
which uses Django's `format_html`).
"""

from html import escape
from urllib.parse import urlencode

from django.utils.safestring import mark_safe

from catalogue.browse.forms import field_html


def _errors_html(errors):
    return "".join(f'<p class="field-error">{escape(str(e))}</p>' for e in errors)


def filter_field_html(bound_field, choices=None):
    """One labelled filter input or select, with its errors below it."""
    field = bound_field.field
    errors = bound_field.errors
    title = f' title="{escape(str(field.help_text))}"' if field.help_text else ""
    return (
        f'<div class="filter-field{" filter-field--error" if errors else ""}">'
        f'<label for="{escape(bound_field.id_for_label)}"{title}>'
        f"{escape(str(bound_field.label))}</label>"
        f"{field_html(bound_field, choices)}{_errors_html(errors)}</div>"
    )


def filter_fields_html(form, names, choices=None):
    """The filter fields `names` of `form`, in that order; `choices` maps a
    field name to the [(value, label)] options to show for it."""
    choices = choices or {}
    return mark_safe(
        "".join(filter_field_html(form[name], choices.get(name)) for name in names)
    )


def observation_options_html(observations):
    """`<option>`s of the observation datalist from [(SBID, project slug)]."""
    return mark_safe(
        "".join(
            f'<option value="{escape(sbid)}">{escape(project)}/{escape(sbid)}</option>'
            for sbid, project in observations
        )
    )


def range_row_html(row):
    """One numeric column's min/max inputs, slider hook and errors.

    `row` is one item of `catalogue.browse.views.range_rows` (bounds in the column's
    stored unit).
    """
    column = row["column"]
    name = escape(column.name)
    unit = f' <span class="unit">({escape(column.unit)})</span>' if column.unit else ""
    slider = ""
    if row["slider"]:
        slider = (
            f'<div class="range-slider" data-low="{row["low"]!r}" '
            f'data-high="{row["high"]!r}" data-min-input="id_{name}_min" '
            f'data-max-input="id_{name}_max" data-label="{name}"></div>'
        )
    return (
        f'<div class="range-row{" range-row--error" if row["errors"] else ""}">'
        f'<label class="range-row__label" for="id_{name}_min" '
        f'title="{escape(column.help)}">{name}{unit}</label>'
        '<div class="range-row__inputs">'
        f'<input type="number" step="any" name="{name}_min" id="id_{name}_min" '
        f'value="{escape(row["min_value"])}" placeholder="{row["low_text"]}" '
        f'aria-label="{name} minimum"><span aria-hidden="true">–</span>'
        f'<input type="number" step="any" name="{name}_max" id="id_{name}_max" '
        f'value="{escape(row["max_value"])}" placeholder="{row["high_text"]}" '
        f'aria-label="{name} maximum"></div>'
        f"{slider}{_errors_html(row['errors'])}</div>"
    )


def range_rows_html(rows):
    return mark_safe("".join(range_row_html(row) for row in rows))


def column_choices_html(choosable_columns, shown):
    """Checkboxes of the column chooser; `shown` names the ticked ones."""
    return mark_safe(
        "".join(
            f'<label><input type="checkbox" name="columns" value="{escape(name)}"'
            f"{' checked' if name in shown else ''}> {escape(str(label))}</label>"
            for name, label in choosable_columns
        )
    )


def pairs_without(params, *names):
    """(key, value) pairs of a QueryDict, leaving out the keys `names`."""
    return [
        (key, value)
        for key, values in params.lists()
        if key not in names
        for value in values
    ]


def _query(pairs, **extra):
    """Escaped query string of `pairs` plus the `extra` parameters."""
    return escape(urlencode([*pairs, *extra.items()]))


def _header_cell(bound_column, filters, current_sort):
    """A sortable `<th>`: the link sorts ascending, or flips the current order."""
    name = bound_column.name
    classes = "orderable"
    target = name
    if current_sort.lstrip("-") == name:
        descending = current_sort.startswith("-")
        classes += " desc" if descending else " asc"
        target = name if descending else f"-{name}"
    title = bound_column.column.attrs.get("th", {}).get("title")
    title_attr = f' title="{escape(str(title))}"' if title else ""
    return (
        f'<th{title_attr} class="{classes}">'
        f'<a href="?{_query(filters, sort=target)}">'
        f"{escape(str(bound_column.header))}</a></th>"
    )


def _pagination_html(table, params):
    page, paginator = table.page, table.paginator
    if page is None or paginator.num_pages <= 1:
        return ""
    estimated = paginator.is_estimated
    pairs = pairs_without(params, "page")
    parts = ['<nav class="pagination catalogue-pagination" aria-label="Pages">']
    if page.has_previous():
        parts.append(f'<a href="?{_query(pairs, page=1)}">« First</a>')
        previous = page.previous_page_number()
        parts.append(
            f'<a href="?{_query(pairs, page=previous)}" rel="prev">‹ Previous</a>'
        )
    parts.append(
        f'<span class="pagination__where">Page {page.number:,} of '
        f"{'≈ ' if estimated else ''}{paginator.num_pages:,}</span>"
    )
    if page.has_next():
        following = page.next_page_number()
        parts.append(
            f'<a href="?{_query(pairs, page=following)}" rel="next">Next ›</a>'
        )
        if not estimated:
            last = paginator.num_pages
            parts.append(f'<a href="?{_query(pairs, page=last)}">Last »</a>')
    hidden = "".join(
        f'<input type="hidden" name="{escape(key)}" value="{escape(value)}">'
        for key, value in pairs
    )
    parts.append(
        f'<form method="get" class="pagination__jump">{hidden}'
        '<label>Go to page <input type="number" name="page" min="1" '
        f'max="{paginator.num_pages}" value="{page.number}" inputmode="numeric">'
        "</label></form></nav>"
    )
    return "".join(parts)


def table_html(table, params, current_sort):
    """The candidate table with sortable headers, its rows and pagination.

    `params` is the request's query string (a QueryDict); header links keep
    every filter, set `sort` and go back to page 1; page links keep the sort.
    """
    filters = pairs_without(params, "sort", "page")
    headers = "".join(
        _header_cell(column, filters, current_sort) for column in table.columns
    )
    return mark_safe(
        '<div class="table-wrap catalogue-table-wrap">'
        '<table class="data-table catalogue-table">'
        f"<thead><tr>{headers}</tr></thead>"
        f"<tbody>{table.body_html()}</tbody></table></div>"
        f"{_pagination_html(table, params)}"
    )
