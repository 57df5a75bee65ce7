"""Database triggers that keep `CandidateLabelCount` and `RaterLabelCount` exact.

Every insert, delete, and change of candidate, user, label or tag of a row
of `rating_rating` adjusts the two count tables in the same transaction,
whatever wrote the row (the rating form, a bulk load, a cascade, raw SQL).
Rows whose count drops to zero are removed. The SQL is written out here, not
imported, so this migration keeps doing what it did when it was written.

PostgreSQL uses one PL/pgSQL function; SQLite (the embedded development
database) uses three triggers with the same statements. TRUNCATE fires no
row triggers: Django's test flush truncates the count tables as well.
"""

from django.db import migrations

LABELS = ("true", "false", "unsure")
CANDIDATE_COUNTS = "rating_candidatelabelcount"
RATER_COUNTS = "rating_raterlabelcount"
RATINGS = "rating_rating"


def _is(row, label):
    """SQL integer 1 when `row`'s label is `label`, else 0 (portable)."""
    return f"(CASE WHEN {row}.label = '{label}' THEN 1 ELSE 0 END)"


def _rater_key(row):
    return (
        f"user_id = {row}.user_id AND label = {row}.label "
        f"AND tag_key = COALESCE({row}.tag_id, 0)"
    )


def _add(row):
    """Statements that count `row` (NEW) in both tables."""
    columns = ", ".join(f"n_{label}" for label in LABELS)
    values = ", ".join(_is(row, label) for label in LABELS)
    increments = ", ".join(
        f"n_{label} = {CANDIDATE_COUNTS}.n_{label} + excluded.n_{label}"
        for label in LABELS
    )
    return [
        f"INSERT INTO {CANDIDATE_COUNTS} (candidate_id, {columns}) "
        f"VALUES ({row}.candidate_id, {values}) "
        f"ON CONFLICT (candidate_id) DO UPDATE SET {increments}",
        f"INSERT INTO {RATER_COUNTS} (user_id, label, tag_key, n) "
        f"VALUES ({row}.user_id, {row}.label, COALESCE({row}.tag_id, 0), 1) "
        f"ON CONFLICT (user_id, label, tag_key) "
        f"DO UPDATE SET n = {RATER_COUNTS}.n + 1",
    ]


def _remove(row):
    """Statements that stop counting `row` (OLD) and drop rows left at zero."""
    decrements = ", ".join(
        f"n_{label} = n_{label} - {_is(row, label)}" for label in LABELS
    )
    total = " + ".join(f"n_{label}" for label in LABELS)
    return [
        f"UPDATE {CANDIDATE_COUNTS} SET {decrements} "
        f"WHERE candidate_id = {row}.candidate_id",
        f"DELETE FROM {CANDIDATE_COUNTS} "
        f"WHERE candidate_id = {row}.candidate_id AND {total} = 0",
        f"UPDATE {RATER_COUNTS} SET n = n - 1 WHERE {_rater_key(row)}",
        f"DELETE FROM {RATER_COUNTS} WHERE {_rater_key(row)} AND n = 0",
    ]


def _backfill():
    sums = ", ".join(f"SUM({_is(RATINGS, label)})" for label in LABELS)
    columns = ", ".join(f"n_{label}" for label in LABELS)
    return [
        f"INSERT INTO {CANDIDATE_COUNTS} (candidate_id, {columns}) "
        f"SELECT candidate_id, {sums} FROM {RATINGS} GROUP BY candidate_id",
        f"INSERT INTO {RATER_COUNTS} (user_id, label, tag_key, n) "
        f"SELECT user_id, label, COALESCE(tag_id, 0), COUNT(*) FROM {RATINGS} "
        "GROUP BY user_id, label, COALESCE(tag_id, 0)",
    ]


CHANGED_COLUMNS = ("candidate_id", "user_id", "label", "tag_id")


def _postgresql():
    def block(statements):
        return "".join(f"    {statement};\n" for statement in statements)

    old = ", ".join(f"OLD.{column}" for column in CHANGED_COLUMNS)
    new = ", ".join(f"NEW.{column}" for column in CHANGED_COLUMNS)
    return [
        "CREATE FUNCTION rating_label_counts_apply() RETURNS trigger "
        "LANGUAGE plpgsql AS $$\nBEGIN\n"
        "  IF TG_OP <> 'INSERT' THEN\n" + block(_remove("OLD")) + "  END IF;\n"
        "  IF TG_OP <> 'DELETE' THEN\n" + block(_add("NEW")) + "  END IF;\n"
        "  RETURN NULL;\nEND\n$$",
        f"CREATE TRIGGER rating_label_counts AFTER INSERT OR DELETE ON {RATINGS} "
        "FOR EACH ROW EXECUTE FUNCTION rating_label_counts_apply()",
        f"CREATE TRIGGER rating_label_counts_update "
        f"AFTER UPDATE OF {', '.join(CHANGED_COLUMNS)} ON {RATINGS} FOR EACH ROW "
        f"WHEN (({old}) IS DISTINCT FROM ({new})) "
        "EXECUTE FUNCTION rating_label_counts_apply()",
    ]


def _sqlite():
    def trigger(name, event, statements, when=""):
        body = "".join(f"  {statement};\n" for statement in statements)
        return f"CREATE TRIGGER {name} AFTER {event} ON {RATINGS}{when}\nBEGIN\n{body}END"

    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in CHANGED_COLUMNS)
    return [
        trigger("rating_label_counts_insert", "INSERT", _add("NEW")),
        trigger("rating_label_counts_delete", "DELETE", _remove("OLD")),
        trigger(
            "rating_label_counts_update",
            f"UPDATE OF {', '.join(CHANGED_COLUMNS)}",
            _remove("OLD") + _add("NEW"),
            when=f" WHEN {changed}",
        ),
    ]


DROP = {
    "postgresql": [
        f"DROP TRIGGER IF EXISTS rating_label_counts ON {RATINGS}",
        f"DROP TRIGGER IF EXISTS rating_label_counts_update ON {RATINGS}",
        "DROP FUNCTION IF EXISTS rating_label_counts_apply()",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS rating_label_counts_insert",
        "DROP TRIGGER IF EXISTS rating_label_counts_delete",
        "DROP TRIGGER IF EXISTS rating_label_counts_update",
    ],
}


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement, params=None)


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    create = {"postgresql": _postgresql, "sqlite": _sqlite}.get(vendor)
    if create is None:
        raise NotImplementedError(f"label-count triggers for {vendor}")
    _run(schema_editor, _backfill() + create())


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, DROP.get(vendor, []))
    _run(
        schema_editor,
        [f"DELETE FROM {CANDIDATE_COUNTS}", f"DELETE FROM {RATER_COUNTS}"],
    )


class Migration(migrations.Migration):
    dependencies = [("rating", "0005_label_counts")]

    operations = [migrations.RunPython(install, uninstall)]
