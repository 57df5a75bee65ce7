"""Request and response shapes of the upload API (`/api/v1/`).

They validate the small JSON requests and describe every endpoint in the
OpenAPI schema; the CSV tables and files themselves are checked by the
ingest service (`catalogue.ingest.service`), the one code path for every way in.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalogue.survey.models import (
    CANDIDATE_NAME_VALIDATOR,
    SBID_VALIDATOR,
    Candidate,
    Observation,
    Project,
)

CANDIDATE_NAME_MAX_LENGTH = Candidate._meta.get_field("name").max_length
CANDIDATE_NAME_HELP = (
    "candidate name: any printable text (spaces and signs included, e.g. "
    "'VAST J045927.8+153839'), no blanks at either end"
)
PROJECT_SLUG_MAX_LENGTH = Project._meta.get_field("slug").max_length
# Project slugs the ingest service takes (those `slugify` leaves unchanged):
# lower-case letters and digits in words joined by single '-' or '_'.
PROJECT_SLUG_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"


class StrictCharField(serializers.CharField):
    """Text that must be sent as a JSON string: DRF's `CharField` also turns
    numbers into text, which the schema (type string) does not promise."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "type": "string",
        "pattern": PROJECT_SLUG_PATTERN,
        "maxLength": PROJECT_SLUG_MAX_LENGTH,
        "description": "project slug, e.g. vast-pilot",
    }
)
class ProjectSlugField(serializers.SlugField, StrictCharField):
    """A project slug, documented with the stricter rule the service applies."""


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField(help_text="what is wrong, naming file/line/column")
    file = serializers.CharField(required=False)
    line = serializers.IntegerField(required=False, allow_null=True)
    column = serializers.CharField(required=False)


class ProjectSerializer(serializers.ModelSerializer):
    observations = serializers.IntegerField(source="observation_count", read_only=True)

    class Meta:
        model = Project
        fields = ["slug", "name", "description", "created_at", "observations"]


class ObservationSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    beams = serializers.IntegerField(source="beam_count", read_only=True)
    candidates = serializers.IntegerField(source="candidate_count", read_only=True)

    class Meta:
        model = Observation
        fields = ["project", "sbid", "start_time", "created_at", "beams", "candidates"]


def _max_length(model, field_name):
    """The column's own limit, so a request is refused before the database."""
    return model._meta.get_field(field_name).max_length


class ObservationWriteSerializer(serializers.Serializer):
    """Create-or-update a project and one of its observations."""

    project = ProjectSlugField(max_length=PROJECT_SLUG_MAX_LENGTH)
    project_name = StrictCharField(
        max_length=_max_length(Project, "name"),
        required=False,
        help_text="display name of a new project",
    )
    sbid = StrictCharField(
        max_length=_max_length(Observation, "sbid"),
        validators=[SBID_VALIDATOR],
        help_text="e.g. SB50230",
    )
    start_time = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="UTC start (DATE-OBS of the beam00 std FITS), ISO 8601",
    )


class BeamSummarySerializer(serializers.Serializer):
    index = serializers.IntegerField()
    candidates = serializers.IntegerField()
    files = serializers.IntegerField(help_text="beam and candidate files stored")


class ObservationDetailSerializer(ObservationSerializer):
    beam_list = BeamSummarySerializer(many=True, read_only=True)

    class Meta(ObservationSerializer.Meta):
        fields = [*ObservationSerializer.Meta.fields, "beam_list"]


class StoredFileSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="the pipeline's file name")
    kind = serializers.CharField()
    candidate = serializers.CharField(
        allow_blank=True,
        max_length=CANDIDATE_NAME_MAX_LENGTH,
        validators=[CANDIDATE_NAME_VALIDATOR],
        help_text="candidate name (any printable text); empty for a beam file",
    )
    sha256 = serializers.CharField()
    size = serializers.IntegerField(help_text="bytes")


class BeamStateSerializer(serializers.Serializer):
    """What a beam already holds, so a client can resume an upload."""

    index = serializers.IntegerField()
    candidates = serializers.ListField(
        child=serializers.CharField(
            max_length=CANDIDATE_NAME_MAX_LENGTH,
            validators=[CANDIDATE_NAME_VALIDATOR],
            help_text=CANDIDATE_NAME_HELP,
        ),
        help_text="candidate names",
    )
    files = StoredFileSerializer(many=True)


class BeamTablesSerializer(serializers.Serializer):
    """One beam's tables: multipart files, or JSON with the CSV text."""

    final_csv = serializers.CharField(help_text="<SBID>_beam<NN>_final.csv")
    lightcurve_peak_flux_csv = serializers.CharField(
        required=False, help_text="<SBID>_beam<NN>_lightcurve_peak_flux.csv"
    )
    lightcurve_local_rms_csv = serializers.CharField(
        required=False, help_text="<SBID>_beam<NN>_lightcurve_local_rms.csv"
    )


class BeamTablesResultSerializer(serializers.Serializer):
    beam = serializers.IntegerField()
    candidates = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    lightcurves = serializers.IntegerField()


class FileUploadSerializer(serializers.Serializer):
    name = serializers.CharField(
        help_text="pipeline file name, e.g. SB50230_beam00_std.fits (no path)"
    )
    sha256 = serializers.RegexField(
        r"^[0-9a-fA-F]{64}$", help_text="sha256 of the content, hex"
    )
    file = serializers.FileField()


class FileResultSerializer(StoredFileSerializer):
    stored = serializers.BooleanField(
        help_text="false when the same content was already stored (no-op)"
    )


class FileBatchSerializer(serializers.Serializer):
    manifest = serializers.CharField(
        help_text='JSON list: [{"part": "f0", "name": "<pipeline file name>", '
        '"sha256": "<hex>"}, ...]; each part is a file field of this request'
    )


class BatchFileResultSerializer(FileResultSerializer):
    pass


class FileBatchResultSerializer(serializers.Serializer):
    stored = serializers.IntegerField(help_text="files new or changed")
    unchanged = serializers.IntegerField(help_text="same content already stored")
    bytes_stored = serializers.IntegerField(help_text="bytes of the stored files")
    files = BatchFileResultSerializer(many=True)
