"""Fixtures shared by the catalogue listing, filter and export tests."""

import pytest

from tests.catalogue.browse.listing_data import build_catalogue


@pytest.fixture
def catalogue(db):
    """The small two-project listing catalogue of `listing_data`."""
    return build_catalogue()
