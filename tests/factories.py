"""factory-boy factories for the portal's models."""

import factory
from django.contrib.auth import get_user_model

from catalogue.access.models import Membership
from catalogue.survey.models import Beam, Candidate, Observation, Project
from rating.models import Tag

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"project-{n}")
    name = factory.LazyAttribute(lambda project: project.slug.title())


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Observation

    project = factory.SubFactory(ProjectFactory)
    # Far from the demo SBID (SB50230), so a long test run never collides with it.
    sbid = factory.Sequence(lambda n: f"SB{800000 + n}")


class BeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Beam

    observation = factory.SubFactory(ObservationFactory)
    index = factory.Sequence(lambda n: n % 36)


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    beam = factory.SubFactory(BeamFactory)
    observation = factory.LazyAttribute(lambda candidate: candidate.beam.observation)
    name = factory.Sequence(lambda n: f"J{n:06d}-450000")
    ra = 333.6
    dec = -45.2
    beam_sep_deg = 0.3
    peak_map = 0.004
    chi_square_sigma = 5.0


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    """A role in a project (written directly: tests of the log use the services)."""

    class Meta:
        model = Membership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = "rater"
