"""Write one beam's parsed tables: candidates and light curves.

The write half of the ingest service (`catalogue.ingest.service` re-exports
`write_beam_tables`): rows are upserted on their natural key in one
transaction, new rows inserted with COPY on PostgreSQL.
"""

import json
import math

from django.db import transaction

from catalogue.survey.bulk_copy import can_copy, copy_columns
from catalogue.survey.columns import COLUMN_NAMES, NUMERIC_COLUMNS
from catalogue.survey.models import Beam, Candidate, Lightcurve
from catalogue.survey.signals import announce_candidates_changed

LIGHTCURVE_FIELDS = ("times_mjd", "peak_flux_jy", "local_rms_jy")
NULLABLE_COLUMNS = [column.name for column in NUMERIC_COLUMNS]


def _candidate_values(row):
    return {name: row[name] for name in COLUMN_NAMES}


def write_beam_tables(observation, tables, before_changing=None):
    """Upsert one beam's candidates and light curves in one transaction.

    Rows are matched on the natural key (beam, name); identical rows are left
    untouched. Returns {"created", "updated", "unchanged"} counts, the
    beam and "changed_positions" (old and new (ra, dec) of changed rows,
    deg). Candidates absent from a re-sent CSV are kept (they may carry
    ratings). `before_changing` (no arguments) is called before the rows
    of a beam that already exists are read and changed; a new beam's rows
    are only inserted.
    """
    with transaction.atomic():
        beam, new_beam = Beam.objects.get_or_create(
            observation=observation, index=tables.beam_index
        )
        if not new_beam and before_changing is not None:
            before_changing()
        # A beam created just now holds nothing: two round trips saved.
        existing = (
            {}
            if new_beam
            else {
                values["name"]: values
                for values in Candidate.objects.filter(beam=beam).values(
                    "id", *COLUMN_NAMES
                )
            }
        )
        if new_beam:
            # Every row is new: no per-row comparison, no copies of the rows.
            to_create, to_update, unchanged = tables.rows, [], 0
            moved = [(row["ra"], row["dec"]) for row in to_create]
        else:
            to_create, to_update, unchanged, moved = _compare(tables.rows, existing)
        _create_candidates(beam, to_create)
        Candidate.objects.bulk_update(
            to_update,
            [name for name in COLUMN_NAMES if name != "name"],
            batch_size=1000,
        )
        _write_lightcurves(beam, tables.lightcurves, new_beam)
        if to_create or to_update:
            announce_candidates_changed()
    return {
        "beam": beam,
        "created": len(to_create),
        "updated": len(to_update),
        "unchanged": unchanged,
        "changed_positions": moved,
    }


def _compare(rows, existing):
    """(rows to create, `Candidate`s to update, number unchanged, moved
    positions) of parsed `rows` against the `existing` {name: values}."""
    to_create, to_update, unchanged, moved = [], [], 0, []
    for row in rows:
        values = _candidate_values(row)
        current = existing.get(row["name"])
        if current is None:
            to_create.append(values)
            moved.append((values["ra"], values["dec"]))
        elif any(current[name] != values[name] for name in COLUMN_NAMES):
            to_update.append(Candidate(id=current["id"], **values))
            moved += [
                (current["ra"], current["dec"]),
                (values["ra"], values["dec"]),
            ]
        else:
            unchanged += 1
    return to_create, to_update, unchanged, moved


def _create_candidates(beam, rows):
    """Insert new candidates (dicts of column values) of `beam`: COPY on
    PostgreSQL, `bulk_create` elsewhere. New rows start as best beam."""
    if not can_copy():
        Candidate.objects.bulk_create(
            [
                Candidate(
                    beam=beam,
                    observation_id=beam.observation_id,
                    **_candidate_values(row),
                )
                for row in rows
            ],
            batch_size=2000,
        )
        return
    if not rows:
        return
    count = len(rows)
    copy_columns(
        Candidate,
        [*COLUMN_NAMES, "beam_id", "observation_id", "is_best_beam"],
        [
            *([row[name] for row in rows] for name in COLUMN_NAMES),
            [beam.id] * count,
            [beam.observation_id] * count,
            [True] * count,
        ],
        null_columns=NULLABLE_COLUMNS,
    )


def _create_lightcurves(rows):
    """Insert new light curves, rows of (candidate id, times, fluxes, rms)."""
    if not can_copy():
        Lightcurve.objects.bulk_create(
            [
                Lightcurve(candidate_id=row[0], **dict(zip(LIGHTCURVE_FIELDS, row[1:])))
                for row in rows
            ],
            batch_size=1000,
        )
        return
    # Every light curve of a beam shares the beam's times: encode them once.
    encoded_times = {}

    def times_json(times):
        key = tuple(times)
        if key not in encoded_times:
            encoded_times[key] = json_number_list(times)
        return encoded_times[key]

    copy_columns(
        Lightcurve,
        ["candidate_id", *LIGHTCURVE_FIELDS],
        [
            [row[0] for row in rows],
            [times_json(row[1]) for row in rows],
            [json_number_list(row[2]) for row in rows],
            [json_number_list(row[3]) for row in rows],
        ],
    )


def json_number_list(values):
    """`json.dumps` of a list of floats (or ints) and None, the same text,
    about ten times faster: `repr` is how json writes a finite float, and
    the map runs in C. Encoding is most of the Python time of writing a
    beam's light curves."""
    # A sum is finite when every term is (json writes nan and inf its own way).
    if None in values or not math.isfinite(sum(values)):
        return json.dumps(values)
    return "[" + ", ".join(map(repr, values)) + "]"


def _write_lightcurves(beam, lightcurves, new_beam=False):
    if not lightcurves:
        return
    ids = dict(Candidate.objects.filter(beam=beam).values_list("name", "id"))
    existing = (
        {}
        if new_beam
        else {
            lc["candidate_id"]: lc
            for lc in Lightcurve.objects.filter(candidate__beam=beam).values(
                "candidate_id", *LIGHTCURVE_FIELDS
            )
        }
    )
    to_create, to_update = [], []
    for name, data in lightcurves.items():
        values = {name_: getattr(data, name_) for name_ in LIGHTCURVE_FIELDS}
        candidate_id = ids[name]
        current = existing.get(candidate_id)
        if current is None:
            to_create.append(
                (candidate_id, *(values[key] for key in LIGHTCURVE_FIELDS))
            )
        elif any(current[key] != values[key] for key in LIGHTCURVE_FIELDS):
            to_update.append(Lightcurve(candidate_id=candidate_id, **values))
    _create_lightcurves(to_create)
    Lightcurve.objects.bulk_update(to_update, list(LIGHTCURVE_FIELDS), batch_size=500)
