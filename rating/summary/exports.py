"""Downloads of the ratings summary: ratings zip and training set.

Both are produced while they are sent: rows come from the database in
chunks (`.iterator()`), become CSV through `catalogue.survey.csv_cells`
(RFC 4180 quoting of notes with commas, quotes and newlines; notes, tag
names and other text cells that a spreadsheet would run as a formula get a
leading `'`) or VOTable through `catalogue.survey.votable` (XML-safe
whatever the notes hold), and leave as soon as a chunk is written, so
memory stays flat however many ratings are selected.
"""

import zipfile

from django.db.models import Count

from catalogue.survey.columns import FINAL_CSV_COLUMNS
from catalogue.survey.csv_cells import CsvLines
from catalogue.survey.models import Candidate
from catalogue.survey.votable import VOColumn, votable_stream
from rating.consensus import consensus_of_ratings
from rating.models import Tag

CHUNK = 2000  # rows fetched from the database at a time

RATING_FIELDS = (
    ("rating_id", "id"),
    ("project", "candidate__observation__project__slug"),
    ("sbid", "candidate__observation__sbid"),
    ("beam", "candidate__beam__index"),
    ("candidate_id", "candidate_id"),
    ("candidate_name", "candidate__name"),
    ("ra_deg", "candidate__ra"),
    ("dec_deg", "candidate__dec"),
    ("user", "user__username"),
    ("label", "label"),
    ("tag", "tag__name"),
    ("notes", "notes"),
    ("created_at", "created_at"),
    ("updated_at", "updated_at"),
)
TAG_HEADER = ("tag_id", "name", "description", "created_by", "created_at", "ratings")
CONSENSUS_HEADER = (
    "n_raters",
    "n_true",
    "n_false",
    "n_unsure",
    "consensus_label",
    "agreement",
)
IDENTITY_HEADER = ("candidate_id", "project", "sbid", "beam")
FEATURE_NAMES = tuple(column.name for column in FINAL_CSV_COLUMNS)


class _Pipe:
    """A write-only file whose contents are taken out piece by piece."""

    def __init__(self):
        self.parts = []

    def write(self, data):
        self.parts.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self):
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def ratings_csv_lines(ratings):
    """Text chunks of `ratings.csv` (header first), CHUNK rows at a time."""
    lines = CsvLines()
    yield lines.line(name for name, _ in RATING_FIELDS)
    rows = (
        ratings.order_by("id")
        .values_list(*(field for _, field in RATING_FIELDS))
        .iterator(chunk_size=CHUNK)
    )
    yield from lines.chunks(rows, CHUNK)


def tags_csv_text(ratings):
    """`tags.csv`: every tag with how many of the selected ratings carry it."""
    used = dict(
        ratings.order_by()
        .filter(tag__isnull=False)
        .values("tag")
        .annotate(n=Count("id"))
        .values_list("tag", "n")
    )
    lines = CsvLines()
    rows = (
        (
            tag.pk,
            tag.name,
            tag.description,
            tag.created_by.get_username() if tag.created_by else "",
            tag.created_at,
            used.get(tag.pk, 0),
        )
        for tag in Tag.objects.select_related("created_by").order_by("name")
    )
    return lines.line(TAG_HEADER) + "".join(lines.chunks(rows))


def ratings_zip_stream(ratings):
    """Bytes of a zip holding `ratings.csv` and `tags.csv`, yielded as written."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("ratings.csv", mode="w") as member:
            for text in ratings_csv_lines(ratings):
                member.write(text.encode("utf-8"))
                yield pipe.take()
        archive.writestr("tags.csv", tags_csv_text(ratings))
        yield pipe.take()
    yield pipe.take()


def _training_rows(ratings):
    """(identity, features, consensus) tuples of every candidate rated in `ratings`.

    Consensus rows are read in candidate order, CHUNK at a time, and each
    chunk's candidate features come from one query.
    """
    consensus = consensus_of_ratings(ratings).order_by("candidate")
    chunk = []
    for row in consensus.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield from _with_features(chunk)
            chunk = []
    if chunk:
        yield from _with_features(chunk)


def _with_features(consensus_rows):
    candidates = (
        Candidate.objects.filter(pk__in=[row["candidate"] for row in consensus_rows])
        .order_by()
        .values_list(
            "pk",
            "observation__project__slug",
            "observation__sbid",
            "beam__index",
            *FEATURE_NAMES,
        )
    )
    by_pk = {values[0]: values for values in candidates}
    for row in consensus_rows:
        values = by_pk[row["candidate"]]
        yield (
            values[:4],
            values[4:],
            (
                row["n_raters"],
                row["n_true"],
                row["n_false"],
                row["n_unsure"],
                row["consensus"] or "",
                row["agreement"],
            ),
        )


def training_set_csv_stream(ratings):
    """CSV text chunks: identity, the 27 `_final.csv` features, consensus."""
    lines = CsvLines()
    yield lines.line(IDENTITY_HEADER + FEATURE_NAMES + CONSENSUS_HEADER)
    rows = (
        (*identity, *features, *consensus)
        for identity, features, consensus in _training_rows(ratings)
    )
    yield from lines.chunks(rows, CHUNK)


IDENTITY_KINDS = ("int", "str", "str", "int")
CONSENSUS_KINDS = ("int", "int", "int", "int", "str", "float")
CONSENSUS_DESCRIPTIONS = {
    "agreement": "Share of raters who chose the consensus label",
    "consensus_label": "Most chosen label of the selected ratings (empty on a tie)",
}
TRAINING_COLUMNS = (
    *(VOColumn(name, kind) for name, kind in zip(IDENTITY_HEADER, IDENTITY_KINDS)),
    *(VOColumn(c.name, c.kind, c.unit, c.help) for c in FINAL_CSV_COLUMNS),
    *(
        VOColumn(name, kind, "", CONSENSUS_DESCRIPTIONS.get(name, ""))
        for name, kind in zip(CONSENSUS_HEADER, CONSENSUS_KINDS)
    ),
)


def training_set_votable_stream(ratings):
    """The training set as VOTable 1.4 TABLEDATA, CHUNK rows per piece."""
    rows = (
        (*identity, *features, *consensus)
        for identity, features, consensus in _training_rows(ratings)
    )
    yield from votable_stream(TRAINING_COLUMNS, rows, CHUNK)
