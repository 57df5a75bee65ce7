"""Natural keys, file clean-up on delete."""

import pytest
from django.db import IntegrityError, transaction

from catalogue.survey.models import (
    Beam,
    BeamFile,
    Candidate,
    CandidateFile,
    Observation,
)
from tests.factories import BeamFactory, CandidateFactory, ObservationFactory


@pytest.mark.django_db
def test_natural_keys_are_unique_in_the_database():
    candidate = CandidateFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidate.objects.create(
            beam=candidate.beam, observation=candidate.observation, name=candidate.name
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Beam.objects.create(
            observation=candidate.observation, index=candidate.beam.index
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(
            project=candidate.observation.project, sbid=candidate.observation.sbid
        )


@pytest.mark.django_db
def test_same_name_in_two_beams_is_allowed():
    observation = ObservationFactory()
    first = CandidateFactory(beam=BeamFactory(observation=observation, index=0))
    CandidateFactory(
        beam=BeamFactory(observation=observation, index=1), name=first.name
    )
    assert Candidate.objects.filter(name=first.name).count() == 2


@pytest.mark.django_db
def test_deleting_an_observation_removes_its_files_after_commit(
    ingested, media_root, django_capture_on_commit_callbacks
):
    paths = [
        media_root / f.file.name
        for f in [*BeamFile.objects.all(), *CandidateFile.objects.all()]
    ]
    assert paths and all(path.exists() for path in paths)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ingested.delete()
    assert all(path.exists() for path in paths), "nothing is removed before commit"
    for callback in callbacks:
        callback()

    assert not any(path.exists() for path in paths)
    assert not BeamFile.objects.exists() and not CandidateFile.objects.exists()


@pytest.mark.django_db
def test_rolled_back_delete_keeps_files(ingested, media_root):
    record = CandidateFile.objects.first()
    path = media_root / record.file.name
    with pytest.raises(RuntimeError), transaction.atomic():
        ingested.project.delete()
        raise RuntimeError("abort")
    assert path.exists()
    assert CandidateFile.objects.filter(pk=record.pk).exists()
