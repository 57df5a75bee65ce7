"""The catalogue-link block keeps editors' filters and refuses other addresses."""

import pytest
from django.core.exceptions import ValidationError

from home.blocks import CatalogueLinkBlock


@pytest.mark.parametrize(
    "query, url",
    [
        ("", "/catalogue/"),
        ("?name=J2214", "/catalogue/?name=J2214"),
        (
            "name=J22 14&peak_map_min=0.005",
            "/catalogue/?name=J22+14&peak_map_min=0.005",
        ),
        ('name="><script>', "/catalogue/?name=%22%3E%3Cscript%3E"),
    ],
)
def test_catalogue_link_url(query, url):
    block = CatalogueLinkBlock()
    value = block.clean(block.to_python({"label": "Go", "query": query}))
    assert value.url() == url


@pytest.mark.parametrize("query", ["https://evil.example/?a=1", "/admin/", "//x.org"])
def test_catalogue_link_refuses_addresses(query):
    block = CatalogueLinkBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"label": "Go", "query": query}))
