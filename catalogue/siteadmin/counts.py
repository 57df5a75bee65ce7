"""The per-project and per-observation counts of the site admin page.

Every count is a correlated scalar subquery annotated onto the project or
observation queryset, so the page costs the same few queries however many
observations exist. The survey's own counts are here; other apps add theirs
with `register_count_annotations` from their `AppConfig.ready()` (the rating
app adds `n_rated` and `n_ratings`, which the page's templates show). Byte
counts are the stored files' recorded sizes (bytes).
"""

from django.db.models import BigIntegerField, F, Func, OuterRef, Subquery
from django.db.models.functions import Coalesce

from catalogue.survey.models import Beam, BeamFile, Candidate, CandidateFile

_contributors = []


class Count(Func):
    """COUNT as a plain function, so a subquery needs no GROUP BY."""

    function = "COUNT"
    output_field = BigIntegerField()


class CountDistinct(Count):
    template = "%(function)s(DISTINCT %(expressions)s)"


class Sum(Func):
    function = "SUM"
    output_field = BigIntegerField()


def scalar(queryset, expression):
    """A correlated subquery yielding one aggregate over `queryset` (0 if none)."""
    value = queryset.order_by().annotate(value=expression).values("value")
    return Coalesce(Subquery(value, output_field=BigIntegerField()), 0)


def register_count_annotations(annotations_for):
    """Add `annotations_for(path)` ({name: expression}) to every row's counts.

    `path` is the lookup from an observation to the outer row: "" for
    observations themselves, "__project" for projects; an expression counts
    rows whose `...observation{path}` is `OuterRef("pk")`.
    """
    _contributors.append(annotations_for)


def storage_annotations(path):
    """Annotations counting everything stored below a project or observation
    (`path` as for `register_count_annotations`), contributed ones included."""
    outer = OuterRef("pk")

    def of(model, prefix):
        return model.objects.filter(**{f"{prefix}observation{path}": outer})

    annotations = {
        "n_beams": scalar(of(Beam, ""), Count(F("id"))),
        "n_candidates": scalar(of(Candidate, ""), Count(F("id"))),
        "n_beam_files": scalar(of(BeamFile, "beam__"), Count(F("id"))),
        "n_candidate_files": scalar(of(CandidateFile, "candidate__"), Count(F("id"))),
        "beam_bytes": scalar(of(BeamFile, "beam__"), Sum(F("size"))),
        "candidate_bytes": scalar(of(CandidateFile, "candidate__"), Sum(F("size"))),
    }
    for annotations_for in _contributors:
        annotations.update(annotations_for(path))
    return annotations
