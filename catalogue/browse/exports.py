"""Streamed exports of the filtered catalogue as CSV and VOTable.

Both formats carry every `_final.csv` column in its stored unit (positions
deg, fluxes Jy) plus the project, observation, beam and best-beam flag (and
the cone separation in arcsec when a cone search is active), and write the
filter that selected the rows in their header: `# ` comment lines in CSV,
INFO elements and a DESCRIPTION in the VOTable.

Rows are written as they come, so a million-row export never sits in
memory. On PostgreSQL the CSV rows are formatted by the database itself
(`catalogue.survey.bulk_copy.copy_query_csv`); other databases go through a
server-side cursor and `catalogue.survey.csv_cells`, whose rules (formula
guard on text cells, empty NULLs) the COPY query follows too. The VOTable
comes from `catalogue.survey.votable`, XML-safe whatever the names hold.
An empty selection gives the header alone.
"""

from django.db import connections
from django.db.models import Case, CharField, Value, When
from django.utils import timezone

from catalogue.survey.bulk_copy import copy_query_csv
from catalogue.survey.columns import FINAL_CSV_COLUMNS
from catalogue.survey.csv_cells import CsvLines, neutralised_text
from catalogue.survey.votable import VOColumn, votable_stream

CHUNK_ROWS = 2000
CONTEXT_COLUMNS = (
    # (export name, model path, kind, unit, description)
    ("id", "id", "int", "", "Portal candidate id (/candidates/<id>/)"),
    ("project", "observation__project__slug", "str", "", "Survey project"),
    ("sbid", "observation__sbid", "str", "", "Scheduling block of the observation"),
    ("beam", "beam__index", "int", "", "Beam index (0-35)"),
)
BEST_BEAM = ("is_best_beam", "is_best_beam", "bool", "", "Best beam of its group")
SEPARATION = (
    "separation_arcsec",
    "separation_arcsec",
    "float",
    "arcsec",
    "Separation from the cone centre",
)
IGNORED_PARAMS = {"page", "per_page", "format", "sort"}


def export_columns(cone):
    """(name, path, kind, unit, description) of every exported column."""
    columns = list(CONTEXT_COLUMNS)
    columns += [
        (column.name, column.name, column.kind, column.unit, column.help)
        for column in FINAL_CSV_COLUMNS
    ]
    columns.append(BEST_BEAM)
    if cone:
        columns.append(SEPARATION)
    return columns


def describe_filters(params):
    """The query parameters that chose the rows, as `key=value` strings."""
    described = [
        f"{key}={value}"
        for key, values in sorted(params.lists())
        if key not in IGNORED_PARAMS
        for value in values
        if value != ""
    ]
    if "best_beam" not in params or params.get("best_beam") == "":
        described.append("best_beam=on (default)")
    return described


def _csv_expression(path, kind):
    """How the database spells a column's CSV cell, as `csv_cell` would."""
    if kind == "str":
        return neutralised_text(path)
    if kind == "bool":
        return Case(
            When(**{path: True}, then=Value("true")),
            default=Value("false"),
            output_field=CharField(),
        )
    return None


def _csv_queryset(queryset, columns):
    """values_list of the CSV columns, cells spelled as in `csv_cells`.

    COPY formats rows itself, so text cells are guarded against formulas and
    flags written `true`/`false` in the query; other databases' rows pass
    through `csv_cell` as well, which leaves such cells as they are.
    """
    paths, spelled = [], {}
    for index, (_, path, kind, _, _) in enumerate(columns):
        expression = _csv_expression(path, kind)
        if expression is None:
            paths.append(path)
        else:
            spelled[f"csv_cell_{index}"] = expression
            paths.append(f"csv_cell_{index}")
    return queryset.annotate(**spelled).values_list(*paths)


def _comment(text):
    """One `# ` header line; a line break in a filter value cannot end it."""
    return "# " + " ".join(text.splitlines()) + "\n"


def csv_lines(queryset, params, cone, user, sort):
    """Yield the CSV export: `# ` header lines, the column row, the data."""
    columns = export_columns(cone)
    yield _comment("Candidate Portal catalogue export")
    yield _comment(
        f"generated: {timezone.now().isoformat(timespec='seconds')} by {user}"
    )
    for line in describe_filters(params):
        yield _comment(f"filter: {line}")
    yield _comment(f"order: {sort}")
    units = ", ".join(f"{name} [{unit}]" for name, _, _, unit, _ in columns if unit)
    yield _comment(f"units: {units}")
    lines = CsvLines(lineterminator="\n")
    yield lines.line(column[0] for column in columns)
    rows = _csv_queryset(queryset, columns)
    if connections[queryset.db].vendor == "postgresql":
        yield from copy_query_csv(rows)
    else:
        yield from lines.chunks(rows.iterator(chunk_size=CHUNK_ROWS), CHUNK_ROWS)


def votable_chunks(queryset, params, cone, user, sort):
    """Yield a VOTable 1.4 document (TABLEDATA) of the export, chunk by chunk."""
    columns = export_columns(cone)
    filters = describe_filters(params)
    infos = [
        {"name": "generated", "value": timezone.now().isoformat(timespec="seconds")},
        {"name": "user", "value": str(user)},
        *(
            {"ID": f"filter{number}", "name": "filter", "value": line}
            for number, line in enumerate(filters)
        ),
        {"name": "order", "value": sort},
    ]
    rows = queryset.values_list(*(column[1] for column in columns))
    yield from votable_stream(
        [VOColumn(name, kind, unit, text) for name, _, kind, unit, text in columns],
        rows.iterator(chunk_size=CHUNK_ROWS),
        CHUNK_ROWS,
        table_name="candidates",
        description="Candidate Portal catalogue export; filters: " + "; ".join(filters),
        infos=infos,
    )
