"""Survey data model: Project → Observation → Beam → Candidate.

Natural keys are unique in the database; positions are ICRS degrees and
fluxes Jy, exactly as the pipeline writes them.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.deconstruct import deconstructible

from catalogue.survey.pipeline_files import (
    CANDIDATE_NAME_MAX_LENGTH,
    candidate_name_problem,
)

SBID_VALIDATOR = RegexValidator(r"^SB\d+$", "An SBID looks like SB50230.")


@deconstructible
class CandidateNameValidator:
    """Any printable text is a candidate name (`candidate_name_problem`):
    survey designations hold spaces and signs (`VAST J045927.8+153839`)."""

    def __call__(self, value):
        problem = candidate_name_problem(value)
        if problem:
            raise ValidationError(f"Candidate name {problem}.", code="invalid")

    def __eq__(self, other):
        return isinstance(other, CandidateNameValidator)


CANDIDATE_NAME_VALIDATOR = CandidateNameValidator()
MAX_BEAM_INDEX = 35


class Project(models.Model):
    """A survey project; observations belong to exactly one project."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Open (False): every active user may see and rate it. Restricted (True):
    # only its members (and staff) see that it exists; `catalogue.access`
    # decides, from this flag and the memberships.
    # (The database default too, so code that predates the field can insert.)
    is_restricted = models.BooleanField(
        "restricted",
        default=False,
        db_default=False,
        help_text="Only members see a restricted project; an open one lets "
        "every active user rate.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.name or self.slug


class Observation(models.Model):
    """One scheduling block (SBID) of a project, e.g. SB50230."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="observations"
    )
    sbid = models.CharField("SBID", max_length=32, validators=[SBID_VALIDATOR])
    # UTC start of the observation, from DATE-OBS of the beam std FITS.
    start_time = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project__slug", "sbid"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "sbid"], name="unique_observation_sbid"
            )
        ]

    def __str__(self):
        return f"{self.project.slug}/{self.sbid}"


class Beam(models.Model):
    """One of the (up to 36) beams of an observation."""

    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="beams"
    )
    index = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(MAX_BEAM_INDEX)]
    )

    class Meta:
        ordering = ["observation", "index"]
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "index"], name="unique_beam_index"
            )
        ]

    def __str__(self):
        return f"{self.observation} beam{self.index:02d}"


class Candidate(models.Model):
    """One row of a beam's `_final.csv`; every column kept, non-finite → NULL."""

    # No single-column indexes on the two foreign keys: the unique
    # (beam, name) and the (observation, is_best_beam) indexes lead with
    # them, and every index costs each ingested row.
    beam = models.ForeignKey(
        Beam, on_delete=models.CASCADE, related_name="candidates", db_index=False
    )
    # Denormalised from the beam so catalogue filters and best-beam grouping
    # need no join.
    observation = models.ForeignKey(
        Observation,
        on_delete=models.CASCADE,
        related_name="candidates",
        db_index=False,
    )
    source_id = models.BigIntegerField(null=True, blank=True)
    # Any printable text; stored files are named by the candidate's id,
    # never by this.
    name = models.CharField(
        max_length=CANDIDATE_NAME_MAX_LENGTH, validators=[CANDIDATE_NAME_VALIDATOR]
    )
    ra_str = models.CharField(max_length=32, blank=True)
    dec_str = models.CharField(max_length=32, blank=True)
    ra = models.FloatField(null=True, help_text="deg (ICRS)")
    dec = models.FloatField(null=True, help_text="deg (ICRS)")
    chi_square = models.FloatField(null=True)
    chi_square_log_sigma = models.FloatField(null=True)
    chi_square_sigma = models.FloatField(null=True)
    peak_map = models.FloatField(null=True, help_text="Jy")
    peak_map_log_sigma = models.FloatField(null=True)
    peak_map_sigma = models.FloatField(null=True)
    gaussian_map = models.FloatField(null=True)
    gaussian_map_sigma = models.FloatField(null=True)
    std_map = models.FloatField(null=True, help_text="Jy")
    bright_sep_arcmin = models.FloatField(null=True, help_text="arcmin")
    beam_ra = models.FloatField(null=True, help_text="deg")
    beam_dec = models.FloatField(null=True, help_text="deg")
    beam_sep_deg = models.FloatField(null=True, help_text="deg")
    deep_ra_deg = models.FloatField(null=True, help_text="deg")
    deep_dec_deg = models.FloatField(null=True, help_text="deg")
    deep_sep_arcsec = models.FloatField(null=True, help_text="arcsec")
    deep_name = models.CharField(max_length=128, blank=True)
    deep_num = models.BigIntegerField(null=True)
    deep_peak_flux = models.FloatField(null=True, help_text="Jy")
    deep_int_flux = models.FloatField(null=True, help_text="Jy")
    md_deep = models.FloatField(null=True)
    # True for the one candidate of a 5-arcsec group seen closest to its beam
    # centre; recomputed on every ingest.
    is_best_beam = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["beam", "name"], name="unique_candidate_name"
            )
        ]
        indexes = [
            models.Index(fields=["dec", "ra"], name="candidate_dec_ra"),
            models.Index(
                fields=["observation", "is_best_beam"], name="candidate_obs_best"
            ),
            models.Index(fields=["name"], name="candidate_name"),
            # The default listing (best beam, newest first) and its deep pages:
            # an index-only scan over ids instead of visiting every row skipped.
            models.Index(
                fields=["id"],
                condition=models.Q(is_best_beam=True),
                name="candidate_best_beam_id",
            ),
            # Cone searches around the beam centre or the deep counterpart.
            models.Index(fields=["beam_dec", "beam_ra"], name="candidate_beam_dec_ra"),
            models.Index(
                fields=["deep_dec_deg", "deep_ra_deg"], name="candidate_deep_dec_ra"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("rating:candidate", args=[self.pk])


class Lightcurve(models.Model):
    """Per-candidate light curve: parallel arrays from the two lightcurve CSVs.

    `times_mjd` are UTC Modified Julian Dates; `peak_flux_jy` and
    `local_rms_jy` are in Jy; non-finite values are stored as null.
    """

    candidate = models.OneToOneField(
        Candidate, on_delete=models.CASCADE, primary_key=True, related_name="lightcurve"
    )
    times_mjd = models.JSONField(default=list)
    peak_flux_jy = models.JSONField(default=list)
    local_rms_jy = models.JSONField(default=list)

    def __str__(self):
        return f"light curve of {self.candidate_id} ({len(self.times_mjd)} points)"


class StoredFile(models.Model):
    """A file kept in media storage with its size (bytes) and sha256 (hex)."""

    file = models.FileField(max_length=500)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.file.name

    @property
    def filename(self):
        return self.file.name.rsplit("/", 1)[-1]


class BeamFile(StoredFile):
    """A beam-level map: std/chisquare/peak FITS and the map PNGs."""

    class Kind(models.TextChoices):
        STD_FITS = "std_fits", "std map (FITS)"
        CHISQUARE_FITS = "chisquare_fits", "chi-square map (FITS)"
        PEAK_FITS = "peak_fits", "peak map (FITS)"
        CHISQUARE_MAP1 = "chisquare_map1", "chi-square map 1 (PNG)"
        CHISQUARE_MAP2 = "chisquare_map2", "chi-square map 2 (PNG)"
        PEAK_MAP1 = "peak_map1", "peak map 1 (PNG)"
        PEAK_MAP2 = "peak_map2", "peak map 2 (PNG)"

    beam = models.ForeignKey(Beam, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=32, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["beam", "kind"], name="unique_beam_file_kind"
            )
        ]


class CandidateFile(StoredFile):
    """A candidate-level product: deep cutout, slices cube/GIF, lightcurve PNG."""

    class Kind(models.TextChoices):
        DEEPCUTOUT_FITS = "deepcutout_fits", "deep cutout (FITS)"
        DEEPCUTOUT_PNG = "deepcutout_png", "deep cutout (PNG)"
        SLICES_FITS = "slices_fits", "slices cube (FITS)"
        SLICES_GIF = "slices_gif", "slices (GIF)"
        LIGHTCURVE_PNG = "lightcurve_png", "light curve (PNG)"
        DYNAMIC_SPECTRA_PNG = "dynamic_spectra_png", "dynamic spectrum (PNG)"

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="files"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "kind"], name="unique_candidate_file_kind"
            )
        ]


class Upload(models.Model):
    """Who uploaded (part of) an observation, when, and through which way in."""

    class Via(models.TextChoices):
        COMMAND = "command", "manage.py ingest_observation"
        API = "api", "HTTP API"

    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="uploads"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    via = models.CharField(max_length=16, choices=Via.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    beams = models.PositiveIntegerField(default=0)
    candidates = models.PositiveIntegerField(default=0)
    files = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.observation} by {self.user} via {self.via} at {self.created_at}"
