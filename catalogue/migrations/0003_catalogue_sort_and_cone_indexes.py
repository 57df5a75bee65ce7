"""Indexes for the catalogue's cone searches and its common sorts (issue 4).

The cone indexes are portable. The sort indexes put NULLs last in both
directions, as the catalogue sorts (`catalogue.querying.order_expressions`);
SQLite cannot declare NULLS LAST in an index, so they are PostgreSQL only.
"""

from django.db import migrations, models

# (column, direction): "desc" for "highest first" statistics, "asc" for
# separations where the smallest is the interesting end.
SORT_INDEXES = (
    ("chi_square_sigma", "desc"),
    ("peak_map_sigma", "desc"),
    ("peak_map", "desc"),
    ("gaussian_map_sigma", "desc"),
    ("md_deep", "desc"),
    ("deep_sep_arcsec", "asc"),
    ("beam_sep_deg", "asc"),
)


def _index_name(column, direction):
    return f"candidate_sort_{column}_{direction}"


def create_sort_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column, direction in SORT_INDEXES:
        order = "DESC NULLS LAST, id DESC" if direction == "desc" else "ASC, id ASC"
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {_index_name(column, direction)} "
            f"ON catalogue_candidate ({column} {order})"
        )


def drop_sort_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column, direction in SORT_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_index_name(column, direction)}")


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0002_catalogue_preference_and_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(
                fields=["beam_dec", "beam_ra"], name="candidate_beam_dec_ra"
            ),
        ),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(
                fields=["deep_dec_deg", "deep_ra_deg"], name="candidate_deep_dec_ra"
            ),
        ),
        migrations.RunPython(create_sort_indexes, drop_sort_indexes),
    ]
