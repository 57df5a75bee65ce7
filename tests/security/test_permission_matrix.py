"""Who may reach what, for every URL pattern of the portal.

The patterns are enumerated from the URL resolver, so a new URL fails
`test_every_url_pattern_is_classified` until it is added to `ACCESS` below
with the access rule it is meant to have. Each rule is then checked for
the four kinds of user: anonymous, rater, editor (group "Editors"), staff.
"""

from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = ("anonymous", "rater", "editor", "staff")
LOGIN = "login-redirect"  # 302 to the portal's login page


@dataclass(frozen=True)
class Rule:
    """Expected status per role, how to build the URL, and which method to use."""

    expected: dict
    method: str = "get"
    args: tuple = ()
    query: str = ""
    accepts: dict = field(default_factory=dict)
    path: str = ""  # a literal path, for unnamed catch-all patterns


def public(status=200, **kwargs):
    return Rule({role: status for role in ROLES}, **kwargs)


def login_required(status=200, **kwargs):
    return Rule(
        {"anonymous": LOGIN, "rater": status, "editor": status, "staff": status},
        **kwargs,
    )


def staff_only(status=200, **kwargs):
    return Rule(
        {"anonymous": LOGIN, "rater": 403, "editor": 403, "staff": status}, **kwargs
    )


def token_only(**kwargs):
    """The upload API: a browser session is not enough (no cookie auth)."""
    return Rule({role: 401 for role in ROLES}, **kwargs)


# Every named URL of the portal. Arguments are filled from the `world` fixture
# by name: "candidate", "file_kind", "media_path", "token", "document",
# "rating", "observation", "project".
ACCESS = {
    "healthz": public(),
    "auth_check": Rule({"anonymous": 401, "rater": 200, "editor": 200, "staff": 200}),
    "login": Rule({"anonymous": 200, "rater": 302, "editor": 302, "staff": 302}),
    "logout": login_required(405, accepts={"anonymous": 405}),
    "password_change": login_required(),
    "password_change_done": login_required(),
    "catalogue:list": login_required(),
    "catalogue:columns": login_required(405),
    "catalogue:save_query": login_required(405),
    "catalogue:delete_query": login_required(405, args=(999999,)),
    "catalogue:export": login_required(args=("csv",)),
    "api:projects": token_only(),
    "api:observations": token_only(args=("demo",)),
    "api:observation-create": token_only(method="post"),
    "api:observation": token_only(args=("demo", "SB50230")),
    "api:beam": token_only(args=("demo", "SB50230", 0)),
    "api:beam-tables": token_only(args=("demo", "SB50230", 0), method="post"),
    "api:files": token_only(args=("demo", "SB50230"), method="post"),
    "api:schema": Rule({"anonymous": 401, "rater": 200, "editor": 200, "staff": 200}),
    "api:docs": login_required(),
    "api:": Rule({role: 404 for role in ROLES}, path="/api/v1/no-such-endpoint"),
    "tokens:list": login_required(),
    "tokens:revoke": login_required(405, args=("token",)),
    "rating:rate_next": login_required(302),
    "rating:candidate": login_required(args=("candidate",)),
    "rating:rate": login_required(405, args=("candidate",)),
    "rating:comment": login_required(405, args=("candidate",)),
    "rating:neighbour": login_required(302, args=("candidate", "next")),
    "rating:tag_create": login_required(405),
    "rating:file": login_required(args=("candidate", "file_kind")),
    "rating:preview": login_required(args=("candidate", "deepcutout_fits")),
    "rating:gif_frame": login_required(args=("candidate", 0)),
    "rating:lightcurve_csv": login_required(args=("candidate",)),
    "rating:lightcurve_svg": login_required(args=("candidate",)),
    "rating:nearby": login_required(args=("candidate",)),
    "rating:list_position": login_required(args=("candidate",)),
    "rating:simbad": login_required(args=("candidate",)),
    "protected_media": login_required(args=("media_path",)),
    "ratings:summary": login_required(),
    "ratings:consensus": login_required(),
    "ratings:zip": login_required(),
    "ratings:training_set": login_required(args=("csv",)),
    "ratings:delete": staff_only(args=("rating",)),
    "siteadmin:index": staff_only(),
    "siteadmin:delete_observation": staff_only(args=("observation",)),
    "siteadmin:delete_project": staff_only(args=("project",)),
    "search": public(),
    "lookup": login_required(302, query="?q=J"),
    # Public Wagtail content: pages, documents editors publish, signed images.
    "wagtail_serve": public(args=("",)),
    "wagtaildocs_serve": public(args=("document", "demo.txt")),
    "wagtaildocs_authenticate_with_password": public(404, args=(999999,)),
    "wagtailcore_authenticate_with_password": public(404, args=(999999, 999999)),
    "wagtailcore_login": public(),
}
# URL groups owned by an admin: checked through representative URLs below.
ADMIN_PREFIXES = ("cms/", "django-admin/")
SIGNED_IMAGES = "wagtailimages_serve"  # checked in test_signed_page_images_are_public


def walk(resolver, prefix="", namespace=""):
    """(route, qualified name) of every pattern under `resolver`."""
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = (
                    f"{namespace}:{pattern.namespace}"
                    if namespace
                    else pattern.namespace
                )
            yield from walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = (
                f"{namespace}:{pattern.name or ''}" if namespace else pattern.name or ""
            )
            yield prefix + str(pattern.pattern), name


def portal_patterns():
    return [
        (route, name)
        for route, name in walk(get_resolver())
        if not route.startswith(ADMIN_PREFIXES)
    ]


def test_every_url_pattern_is_classified():
    unknown = sorted(
        f"{route} ({name or 'unnamed'})"
        for route, name in portal_patterns()
        if name not in ACCESS and name != SIGNED_IMAGES
    )
    assert not unknown, "classify these URLs in ACCESS: " + ", ".join(unknown)


def client_for(role, client, users):
    if role != "anonymous":
        client.force_login(users[role])
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ACCESS))
def test_role_gets_what_spec_section_1_says(name, world, client, rater, editor, staff):
    rule = ACCESS[name]
    args = [world.get(arg, arg) if isinstance(arg, str) else arg for arg in rule.args]
    url = (rule.path or reverse(name, args=args)) + rule.query
    users = {"rater": rater, "editor": editor, "staff": staff}
    for role in ROLES:
        client.logout()
        response = getattr(client_for(role, client, users), rule.method)(url)
        expected = rule.accepts.get(role, rule.expected[role])
        if expected == LOGIN:
            assert response.status_code == 302, (role, url)
            assert response["Location"].startswith(reverse("login")), (role, url)
        else:
            assert response.status_code == expected, (role, url, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/cms/", {"anonymous": 302, "rater": 302, "editor": 200, "staff": 200}),
        ("/cms/pages/", {"anonymous": 302, "rater": 302, "editor": 200, "staff": 200}),
        (
            "/django-admin/",
            {"anonymous": 302, "rater": 302, "editor": 302, "staff": 200},
        ),
        (
            "/django-admin/catalogue/observation/",
            {"anonymous": 302, "rater": 302, "editor": 302, "staff": 200},
        ),
    ],
)
def test_admin_areas_only_for_editors_and_staff(
    url, expected, client, rater, editor, staff
):
    users = {"rater": rater, "editor": editor, "staff": staff}
    for role in ROLES:
        client.logout()
        response = client_for(role, client, users).get(url)
        assert response.status_code == expected[role], (role, url, response.status_code)
        if response.status_code == 302:
            assert "login" in response["Location"], (role, url)
