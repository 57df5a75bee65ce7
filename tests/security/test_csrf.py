"""Every form refuses a POST without a CSRF token.

A logged-in staff user (who may do everything) posts without the token to
every state-changing URL and must get 403 with nothing changed. The upload
API is token-only, so a browser session cannot reach it at all.
"""

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Page

from catalogue.access.models import Membership
from catalogue.api.tokens.models import UploadToken
from catalogue.browse.saved_queries import SavedQuery
from catalogue.survey.models import Observation, Project
from home.models import HomePage
from rating.models import Rating, Tag
from rating.team import CandidateComment
from tests.security.test_permission_matrix import ACCESS

# name → (URL args from the `world` fixture, form data a real submit would send)
FORMS = {
    "login": ((), {"username": "staff", "password": "x"}),
    "logout": ((), {}),
    "password_change": ((), {"old_password": "x", "new_password1": "y"}),
    "catalogue:columns": ((), {"columns": ["name"]}),
    "catalogue:save_query": ((), {"name": "sneaky", "query": "project=x"}),
    "catalogue:delete_query": ((999999,), {}),
    "tokens:list": ((), {"name": "sneaky"}),
    "tokens:revoke": (("token",), {}),
    "rating:rate": (("candidate",), {"label": "true", "action": "save"}),
    "rating:tag_create": ((), {"name": "Sneaky tag"}),
    "rating:comment": (("candidate",), {"text": "sneaky comment"}),
    "ratings:delete": (("rating",), {}),
    "siteadmin:delete_observation": (("observation",), {}),
    "siteadmin:delete_project": (("project",), {}),
    "project_data:delete_observation": (("project", "observation"), {}),
    "projects:settings": (("project",), {"is_restricted": "on"}),
    "projects:member_set": (("project",), {"username": "staff", "role": "viewer"}),
    "projects:member_remove": (("project", 1), {}),
    "scan:rate": ((), {"candidate": "1", "label": "true"}),
    "scan:undo": ((), {}),
    "scan:action": ((), {"action": "undo"}),
}
TOKEN_API = [name for name in ACCESS if name.startswith("api:")]


def state():
    return (
        Rating.objects.count(),
        Tag.objects.count(),
        UploadToken.objects.filter(revoked_at__isnull=True).count(),
        Observation.objects.count(),
        Project.objects.count(),
        CandidateComment.objects.count(),
        SavedQuery.objects.count(),
        Project.objects.filter(is_restricted=True).count(),
        Membership.objects.count(),
    )


def test_every_post_only_url_is_covered():
    post_only = {
        name
        for name, rule in ACCESS.items()
        if rule.method == "post" or 405 in rule.expected.values()
    }
    assert post_only - set(TOKEN_API) <= set(FORMS)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(FORMS))
def test_post_without_csrf_token_is_refused(name, world, staff):
    args, data = FORMS[name]
    url = reverse(name, args=[world.get(arg, arg) for arg in args])
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    before = state()

    response = client.post(url, data)

    assert response.status_code == 403, (url, response.status_code)
    assert state() == before


@pytest.mark.django_db
def test_wagtail_and_django_admin_forms_need_the_token_too(world, staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    home = HomePage.objects.get()
    add_page = f"/cms/pages/add/home/standardpage/{home.pk}/"
    pages_before = Page.objects.count()

    assert (
        client.post(add_page, {"title": "Sneaky", "slug": "sneaky"}).status_code == 403
    )
    assert client.post("/django-admin/logout/", {}).status_code == 403
    assert Page.objects.count() == pages_before


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["api:observation-create"])
def test_the_api_ignores_browser_sessions(name, staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    before = Observation.objects.count()
    response = client.post(
        reverse(name),
        {"project": "demo", "sbid": "SB1"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert Observation.objects.count() == before
