"""A small, varied catalogue for the listing/filter/export tests.

Plain functions, so tests elsewhere (the browser test) can build the same
data; `tests/catalogue/conftest.py` wraps `build_catalogue` as a fixture.
"""

import re
from dataclasses import dataclass, field

from catalogue.survey.models import Candidate
from rating.models import Label, save_rating
from tests.factories import (
    BeamFactory,
    CandidateFactory,
    ObservationFactory,
    ProjectFactory,
    TagFactory,
    UserFactory,
)

CANDIDATE_LINK = re.compile(r'href="/candidates/(\d+)/(?:\?[^"]*)?"')


@dataclass
class Catalogue:
    """Handles on the objects tests refer to by role."""

    by_name: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    tags: dict = field(default_factory=dict)
    projects: dict = field(default_factory=dict)
    observations: dict = field(default_factory=dict)

    def ids(self, *names):
        return {self.by_name[name].pk for name in names}


def listed_ids(response):
    """Candidate ids in the order the catalogue page lists them."""
    return [int(pk) for pk in CANDIDATE_LINK.findall(response.content.decode())]


def build_catalogue():
    """Two projects, three observations, 12 candidates with distinct values.

    Ratings: alice rated A1 true and A2 false; bob rated A1 true (tag
    "Flare") and A2 true; carol rated A2 unsure. So A1 has a true consensus,
    A2 is disputed (1 false, 1 true, 1 unsure).
    """
    cat = Catalogue()
    vast = ProjectFactory(slug="vast", name="VAST")
    racs = ProjectFactory(slug="racs", name="RACS")
    cat.projects = {"vast": vast, "racs": racs}
    obs1 = ObservationFactory(project=vast, sbid="SB100")
    obs2 = ObservationFactory(project=vast, sbid="SB200")
    obs3 = ObservationFactory(project=racs, sbid="SB300")
    cat.observations = {"SB100": obs1, "SB200": obs2, "SB300": obs3}
    beams = {
        ("SB100", 0): BeamFactory(observation=obs1, index=0),
        ("SB100", 1): BeamFactory(observation=obs1, index=1),
        ("SB200", 0): BeamFactory(observation=obs2, index=0),
        ("SB300", 5): BeamFactory(observation=obs3, index=5),
    }
    rows = [
        # name, beam, ra, dec, chi σ, peak Jy, md_deep, deep_num, best
        ("A1", ("SB100", 0), 10.0, -30.0, 8.0, 0.010, 0.9, 1, True),
        ("A2", ("SB100", 0), 10.01, -30.0, 3.0, 0.002, None, 0, True),
        ("A3", ("SB100", 1), 359.999, 0.0, 5.5, 0.004, 0.2, 2, True),
        ("A4", ("SB100", 1), 0.001, 0.0, 5.5, 0.004, 0.5, 2, False),
        ("B1", ("SB200", 0), 120.0, 45.0, 12.0, 0.050, 0.1, 1, True),
        ("B2", ("SB200", 0), 120.0, 89.99, 1.0, 0.001, None, 3, True),
        ("B3", ("SB200", 0), 300.0, 89.99, 6.0, 0.003, 0.7, 0, True),
        ("C1", ("SB300", 5), 200.0, -89.995, 2.0, 0.020, 0.3, 1, True),
        ("C2", ("SB300", 5), 20.0, -89.995, 9.5, 0.008, None, 2, True),
        ("C3", ("SB300", 5), 250.0, -10.0, 4.0, None, 0.6, 1, True),
        ("J2214-4500", ("SB300", 5), 333.6, -45.0, 7.0, 0.006, 0.4, 1, True),
        ("J2215-4501", ("SB300", 5), 333.85, -45.02, 7.0, 0.006, 0.8, 1, False),
    ]
    for name, beam, ra, dec, sigma, peak, md, deep_num, best in rows:
        cat.by_name[name] = CandidateFactory(
            beam=beams[beam],
            name=name,
            ra=ra,
            dec=dec,
            beam_ra=ra + 0.1,
            beam_dec=max(-90.0, min(90.0, dec - 0.1)),
            deep_ra_deg=None if md is None else ra,
            deep_dec_deg=None if md is None else dec,
            chi_square_sigma=sigma,
            peak_map=peak,
            md_deep=md,
            deep_num=deep_num,
            is_best_beam=best,
        )
    alice, bob, carol = (
        UserFactory(username=name) for name in ("alice", "bob", "carol")
    )
    cat.users = {"alice": alice, "bob": bob, "carol": carol}
    flare = TagFactory(name="Flare")
    cat.tags = {"Flare": flare}
    a1, a2 = cat.by_name["A1"], cat.by_name["A2"]
    save_rating(a1, alice, Label.TRUE)
    save_rating(a2, alice, Label.FALSE)
    save_rating(a1, bob, Label.TRUE, tag=flare)
    save_rating(a2, bob, Label.TRUE)
    save_rating(a2, carol, Label.UNSURE)
    return cat


def best_beam_ids():
    return set(Candidate.objects.filter(is_best_beam=True).values_list("pk", flat=True))
