"""Streamed exports of the filtered catalogue: CSV, ECSV, VOTable and FITS.

Every format carries every `_final.csv` column in its stored unit (positions
deg, fluxes Jy) plus the project, observation, beam and best-beam flag (and
the cone separation in arcsec when a cone search is active), in the order
and with the filter of the catalogue page. An empty selection gives a valid
file with its header and no rows.

- CSV is for spreadsheets, pandas and `Table.read(format="ascii.csv")`:
  the column row comes first and nothing else is in the header, so the
  units are in the column names (`csv_name`) and the filter is not in the
  file. Text cells get the formula guard of `catalogue.survey.csv_cells`.
- ECSV (astropy's `# %ECSV 1.0` YAML header) carries units, descriptions,
  datatypes and the provenance (portal, time, user, query, filter, order)
  as `meta`; its rows are the exact stored values (no formula guard: no
  spreadsheet reads ECSV), comma-delimited, which ECSV allows.
- VOTable 1.4 carries units, UCDs, descriptions and the provenance as INFOs,
  XML-safe whatever the names hold (`catalogue.survey.votable`).
- FITS: `catalogue.browse.export_fits`.

Rows are written as they come, so a million-row export never sits in
memory. On PostgreSQL the CSV and ECSV rows are formatted by the database
itself (`catalogue.survey.bulk_copy.copy_query_csv`); other databases go
through a server-side cursor and the csv module.
"""

import csv
import io
from itertools import islice
from typing import NamedTuple

from astropy.table import MaskedColumn, Table
from django.db import connections
from django.db.models import Case, CharField, Value, When
from django.utils import timezone

from catalogue.browse.display_units import DISPLAY_UNITS
from catalogue.survey.bulk_copy import copy_query_csv
from catalogue.survey.columns import FINAL_CSV_COLUMNS
from catalogue.survey.csv_cells import CsvLines, neutralised_text
from catalogue.survey.votable import VO_UNITS, VOColumn, votable_stream

CHUNK_ROWS = 2000
PORTAL = "Candidate Portal"
IGNORED_PARAMS = {"page", "per_page", "format", "sort", "count"}
ECSV_DATATYPES = {"int": "int64", "float": "float64", "bool": "bool", "str": "str"}


class ExportColumn(NamedTuple):
    """One exported column: `path` is the queryset field, `unit` its stored
    unit ("" for none), `ucd` what it holds for VO tools."""

    name: str
    path: str
    kind: str
    unit: str
    description: str
    ucd: str


CONTEXT_COLUMNS = (
    ExportColumn(
        "id", "id", "int", "", "Portal candidate id (/candidates/<id>/)", "meta.id"
    ),
    ExportColumn(
        "project",
        "observation__project__slug",
        "str",
        "",
        "Survey project",
        "meta.id;obs.proposal",
    ),
    ExportColumn(
        "sbid",
        "observation__sbid",
        "str",
        "",
        "Scheduling block of the observation",
        "meta.id;obs",
    ),
    ExportColumn(
        "beam", "beam__index", "int", "", "Beam index (0-35)", "meta.id;instr.beam"
    ),
)
BEST_BEAM = ExportColumn(
    "is_best_beam",
    "is_best_beam",
    "bool",
    "",
    "Best beam of its group",
    "meta.code",
)
SEPARATION = ExportColumn(
    "separation_arcsec",
    "separation_arcsec",
    "float",
    "arcsec",
    "Separation from the cone centre",
    "pos.angDistance",
)


def export_columns(cone):
    """Every exported column, in file order."""
    columns = list(CONTEXT_COLUMNS)
    columns += [
        ExportColumn(c.name, c.name, c.kind, c.unit, c.help, c.ucd)
        for c in FINAL_CSV_COLUMNS
    ]
    columns.append(BEST_BEAM)
    if cone:
        columns.append(SEPARATION)
    return columns


def csv_name(column):
    """A CSV column's name with its unit: `<name>_<unit>`.

    Only physical units (deg, arcmin, arcsec, Jy) are added, and only when
    the name does not end with them already: `ra` → `ra_deg`, `peak_map` →
    `peak_map_Jy`, `deep_sep_arcsec` stays. Columns without a unit, and
    significances (σ, their names end in `sigma`) and sexagesimal strings
    (`ra_str`), keep their bare name.
    """
    suffix = f"_{column.unit}"
    if column.unit in VO_UNITS and not column.name.endswith(suffix):
        return column.name + suffix
    return column.name


def _range_unit(key):
    """ " mJy" for a range bound whose display unit (the unit the bound was
    typed in) differs from the stored unit the file holds; else ""."""
    column, _, suffix = key.rpartition("_")
    if suffix not in {"min", "max"} or column not in DISPLAY_UNITS:
        return ""
    shown = DISPLAY_UNITS[column]
    return "" if shown.factor == 1 else f" {shown.unit}"


def describe_filters(params):
    """The query parameters that chose the rows, as `key=value` strings; a
    range bound typed in a display unit other than the file's names it
    (`peak_map_min=5 mJy` while the file holds Jy)."""
    described = [
        f"{key}={value}{_range_unit(key)}"
        for key, values in sorted(params.lists())
        if key not in IGNORED_PARAMS
        for value in values
        if value != ""
    ]
    if "best_beam" not in params or params.get("best_beam") == "":
        described.append("best_beam=on (default)")
    return described


def export_provenance(request, sort):
    """Where, when, by whom and with which query an export was made."""
    return {
        "portal": PORTAL,
        "generated": timezone.now().isoformat(timespec="seconds"),
        "user": str(request.user),
        "query": request.build_absolute_uri(),
        "filters": describe_filters(request.GET),
        "order": sort,
    }


def _spelled_rows(queryset, columns, guard_text, true_false):
    """values_list of `columns` with text and flags spelled in the query.

    COPY formats rows itself, so CSV text cells are guarded against
    formulas (`guard_text`) and flags written `true_false` by the database.
    """
    paths, spelled = [], {}
    for index, column in enumerate(columns):
        if column.kind == "str" and guard_text:
            spelled[f"cell_{index}"] = neutralised_text(column.path)
        elif column.kind == "bool":
            spelled[f"cell_{index}"] = Case(
                When(**{column.path: True}, then=Value(true_false[0])),
                default=Value(true_false[1]),
                output_field=CharField(),
            )
        else:
            paths.append(column.path)
            continue
        paths.append(f"cell_{index}")
    return queryset.annotate(**spelled).values_list(*paths)


def _plain_csv_chunks(rows):
    """CSV text of `rows` as they are (None → empty cell), chunk by chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK_ROWS)):
        writer.writerows(chunk)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def csv_lines(queryset, cone, provenance):
    """Yield the CSV export: the column row (names with units), the data."""
    columns = export_columns(cone)
    lines = CsvLines(lineterminator="\n")
    yield lines.line(csv_name(column) for column in columns)
    rows = _spelled_rows(queryset, columns, True, ("true", "false"))
    if connections[queryset.db].vendor == "postgresql":
        yield from copy_query_csv(rows)
    else:
        yield from lines.chunks(rows.iterator(chunk_size=CHUNK_ROWS), CHUNK_ROWS)


def ecsv_header(columns, provenance):
    """astropy's own ECSV header (and column row) for an empty table."""
    table = Table(meta=provenance)
    for column in columns:
        table[column.name] = MaskedColumn(
            [],
            dtype=ECSV_DATATYPES[column.kind],
            unit=column.unit if column.unit in VO_UNITS else None,
            description=_described(column),
        )
    output = io.StringIO()
    table.write(output, format="ascii.ecsv", delimiter=",")
    return output.getvalue()


def ecsv_lines(queryset, cone, provenance):
    """Yield the ECSV export: YAML header, column row, the stored values.

    NULL is an empty cell, which astropy reads as masked; so is empty text,
    which ECSV cannot tell from a missing value.
    """
    columns = export_columns(cone)
    yield ecsv_header(columns, provenance)
    rows = _spelled_rows(queryset, columns, False, ("True", "False"))
    if connections[queryset.db].vendor == "postgresql":
        yield from copy_query_csv(rows)
    else:
        yield from _plain_csv_chunks(rows.iterator(chunk_size=CHUNK_ROWS))


def _described(column):
    """The description, with a unit no standard knows (σ, hms) in brackets."""
    if column.unit and column.unit not in VO_UNITS:
        return f"{column.description} [{column.unit}]"
    return column.description


def votable_chunks(queryset, cone, provenance):
    """Yield a VOTable 1.4 document (TABLEDATA) of the export, chunk by chunk."""
    columns = export_columns(cone)
    filters = provenance["filters"]
    infos = [
        {"name": name, "value": provenance[name]}
        for name in ("portal", "generated", "user", "query")
    ]
    infos += [
        {"ID": f"filter{number}", "name": "filter", "value": line}
        for number, line in enumerate(filters)
    ]
    infos.append({"name": "order", "value": provenance["order"]})
    rows = queryset.values_list(*(column.path for column in columns))
    yield from votable_stream(
        [VOColumn(c.name, c.kind, c.unit, c.description, c.ucd) for c in columns],
        rows.iterator(chunk_size=CHUNK_ROWS),
        CHUNK_ROWS,
        table_name="candidates",
        description=f"{PORTAL} catalogue export; filters: " + "; ".join(filters),
        infos=infos,
    )
