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
    "api:file-batch": token_only(args=("demo", "SB50230"), method="post"),
    "scan:grid": login_required(),
    "scan:cards": login_required(),
    "scan:peak_preview": login_required(args=("candidate",)),
    "scan:action": login_required(405),
    "scan:rate": login_required(405),
    "scan:undo": login_required(405),
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
    "projects:list": login_required(),
    "projects:manage": staff_only(args=("project",)),
    "projects:settings": login_required(405, args=("project",)),
    "projects:member_set": login_required(405, args=("project",)),
    "projects:member_remove": login_required(405, args=("project", 999999)),
    "siteadmin:index": staff_only(),
    "siteadmin:delete_observation": staff_only(args=("observation",)),
    "siteadmin:delete_project": staff_only(args=("project",)),
    "project_data:delete_observation": staff_only(args=("project", "observation")),
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


# The project dimension (SPEC §1): each URL for anonymous, a non-member, each
# member role and staff, on the demo project open and restricted.
PROJECT_ROLES = (
    "anonymous",
    "non-member",
    "viewer",
    "rater",
    "uploader",
    "project admin",
    "staff",
)
MEMBERS = ("viewer", "rater", "uploader", "project admin")


@dataclass(frozen=True)
class ProjectRule:
    """Status per role for an open and for a restricted project.

    `open`/`restricted` map role → status (LOGIN for the login redirect);
    `token`: call with the role's upload token instead of its session.
    """

    open: dict
    restricted: dict
    method: str = "get"
    args: tuple = ()
    data: dict = field(default_factory=dict)
    token: bool = False
    json_body: bool = False  # post `data` as JSON with the session


def _rule(open_, restricted, **kwargs):
    return ProjectRule(open_, restricted, **kwargs)


def seen(status=200, **kwargs):
    """Anything showing the project's data: hidden (404) from non-members."""
    open_ = {"anonymous": LOGIN, **{r: status for r in PROJECT_ROLES[1:]}}
    return _rule(open_, {**open_, "non-member": 404}, **kwargs)


def listing(status=200, **kwargs):
    """Lists and exports: every user gets the page; rows are left out."""
    everyone = {"anonymous": LOGIN, **{r: status for r in PROJECT_ROLES[1:]}}
    return _rule(everyone, everyone, **kwargs)


def raters(status, **kwargs):
    """Rating: a viewer may look but not rate (403)."""
    open_ = {"anonymous": LOGIN, **{r: status for r in PROJECT_ROLES[1:]}}
    open_["viewer"] = 403
    return _rule(open_, {**open_, "non-member": 404}, **kwargs)


def admins(status, **kwargs):
    """The project admin page: project admins and staff only."""
    open_ = {"anonymous": LOGIN, **{r: 403 for r in PROJECT_ROLES[1:]}}
    open_.update({"project admin": status, "staff": status})
    return _rule(open_, {**open_, "non-member": 404}, **kwargs)


def staff_page(status=200, **kwargs):
    staff = {"anonymous": LOGIN, **{r: 403 for r in PROJECT_ROLES[1:]}}
    staff["staff"] = status
    return _rule(staff, staff, **kwargs)


def token_read(status=200, **kwargs):
    open_ = {"anonymous": 401, **{r: status for r in PROJECT_ROLES[1:]}}
    return _rule(open_, {**open_, "non-member": 404}, token=True, **kwargs)


def token_write(status, **kwargs):
    """Writes: uploaders and up with a token naming the project."""
    open_ = {"anonymous": 401, **{r: 403 for r in PROJECT_ROLES[1:]}}
    open_.update({"uploader": status, "project admin": status, "staff": status})
    return _rule(open_, {**open_, "non-member": 404}, token=True, **kwargs)


def project_independent(rule):
    """A URL whose answer does not depend on the project (same for all roles
    as the first matrix says for a plain user)."""
    return rule


OBSERVATION_ARGS = ("project", "SB50230")
PROJECT_ACCESS = {
    "catalogue:list": listing(),
    "catalogue:export": listing(args=("csv",)),
    "catalogue:columns": listing(302, method="post", data={"columns": ["ra"]}),
    # Nothing left to rate in a hidden project: the "all done" page.
    # Rate & next opens a candidate the user may rate; a viewer (like a
    # non-member of a restricted project) has none there: "all done" (200).
    "rating:rate_next": _rule(
        {**listing(302).open, "viewer": 200},
        {**listing(302).open, "viewer": 200, "non-member": 200},
    ),
    "rating:candidate": seen(args=("candidate",)),
    "rating:rate": raters(
        302, method="post", args=("candidate",), data={"label": "true"}
    ),
    # The target is the same candidate when it is not in the list: no leak.
    "rating:neighbour": listing(302, args=("candidate", "next")),
    "rating:tag_create": _rule(
        {**raters(302).open, "non-member": 302},
        {**raters(302).restricted, "non-member": 403},
        method="post",
        data={"name": "tag-{role}"},
    ),
    "rating:file": seen(args=("candidate", "file_kind")),
    "rating:preview": seen(args=("candidate", "deepcutout_fits")),
    "rating:gif_frame": seen(args=("candidate", 0)),
    "rating:lightcurve_csv": seen(args=("candidate",)),
    "rating:lightcurve_svg": seen(args=("candidate",)),
    "rating:nearby": seen(args=("candidate",)),
    "rating:list_position": seen(args=("candidate",)),
    "rating:simbad": seen(args=("candidate",)),
    "protected_media": seen(args=("media_path",)),
    "ratings:summary": listing(),
    "ratings:consensus": listing(),
    "ratings:zip": listing(),
    "ratings:training_set": listing(args=("csv",)),
    "ratings:delete": admins(200, args=("rating",)),
    "siteadmin:index": staff_page(),
    "siteadmin:delete_observation": staff_page(args=("observation",)),
    "siteadmin:delete_project": staff_page(args=("project",)),
    "project_data:delete_observation": admins(200, args=("project", "observation")),
    "lookup": listing(302),  # with ?q=J, see below
    "projects:list": listing(),
    "projects:manage": admins(200, args=("project",)),
    "projects:settings": admins(
        302, method="post", args=("project",), data={"is_restricted": "{restricted}"}
    ),
    "projects:member_set": admins(
        302,
        method="post",
        args=("project",),
        data={"username": "bystander", "role": "viewer"},
    ),
    "projects:member_remove": admins(302, method="post", args=("project", "bystander")),
    "api:projects": _rule(
        {"anonymous": 401, **{r: 200 for r in PROJECT_ROLES[1:]}},
        {"anonymous": 401, **{r: 200 for r in PROJECT_ROLES[1:]}},
        token=True,
    ),
    "api:observations": token_read(args=("project",)),
    "api:observation": token_read(args=OBSERVATION_ARGS),
    "api:beam": token_read(args=(*OBSERVATION_ARGS, 0)),
    "api:observation-create": token_write(
        200, method="post", data={"project": "demo", "sbid": "SB50230"}
    ),
    # An empty body: 400 once the token is allowed, before anything is read.
    "api:beam-tables": token_write(400, method="post", args=(*OBSERVATION_ARGS, 0)),
    "api:files": token_write(400, method="post", args=OBSERVATION_ARGS),
    # A JSON body where multipart is needed: 415 once the token is allowed.
    "api:file-batch": token_write(415, method="post", args=OBSERVATION_ARGS),
    "rating:comment": raters(
        302, method="post", args=("candidate",), data={"text": "seen by {role}"}
    ),
    "scan:grid": listing(),
    "scan:cards": listing(),
    "scan:peak_preview": seen(args=("candidate",)),
    # Labelling from the grid is checked per candidate in
    # tests/rating/scan/test_access.py; with nothing to undo these show no data.
    "scan:action": listing(json_body=True, data={"action": "undo"}),
    "scan:rate": listing(302, method="post"),
    "scan:undo": listing(302, method="post"),
}
# URLs that show nothing of any project: the first matrix covers them.
NO_PROJECT_DATA = {
    "healthz",
    "auth_check",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "api:schema",
    "api:docs",
    "api:",
    "tokens:list",
    "tokens:revoke",
    "search",
    "wagtail_serve",
    "wagtaildocs_serve",
    "wagtaildocs_authenticate_with_password",
    "wagtailcore_authenticate_with_password",
    "wagtailcore_login",
    "catalogue:save_query",
    "catalogue:delete_query",
}


def test_every_url_has_a_project_rule():
    names = {name for _, name in portal_patterns()} - {SIGNED_IMAGES}
    unknown = sorted(names - set(PROJECT_ACCESS) - NO_PROJECT_DATA)
    assert not unknown, "give these URLs a PROJECT_ACCESS rule: " + ", ".join(unknown)


def _project_request(client, rule, role, url, users, keys, restricted):
    client.logout()
    data = {
        key: value.format(role=role.replace(" ", "-"), restricted=str(restricted))
        if isinstance(value, str)
        else value
        for key, value in rule.data.items()
    }
    if data.get("is_restricted") == "False":
        del data["is_restricted"]  # an unticked checkbox is not sent
    headers = {}
    if rule.token:
        if role != "anonymous":
            headers["HTTP_AUTHORIZATION"] = f"Token {keys[role]}"
        if rule.method == "post":
            return client.post(url, data, content_type="application/json", **headers)
        return client.get(url, **headers)
    if role != "anonymous":
        client.force_login(users[role])
    if rule.json_body:
        return client.post(url, data, content_type="application/json")
    return getattr(client, rule.method)(url, data)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PROJECT_ACCESS))
def test_project_role_gets_what_spec_section_1_says(name, project_world, client):
    world, users, keys, restricted = project_world
    rule = PROJECT_ACCESS[name]
    args = [world.get(arg, arg) if isinstance(arg, str) else arg for arg in rule.args]
    url = reverse(name, args=args) + ("?q=J" if name == "lookup" else "")
    expected = rule.restricted if restricted else rule.open
    for role in PROJECT_ROLES:
        response = _project_request(client, rule, role, url, users, keys, restricted)
        want = expected[role]
        got = response.status_code
        if want == LOGIN:
            assert got == 302 and response["Location"].startswith(reverse("login")), (
                role,
                url,
                got,
            )
        else:
            assert got == want, (role, url, got)


# The Wagtail admin's project pages (SPEC §1): a project admin manages their
# project there without being staff; every other member role stays out.
WAGTAIL_PROJECT_PAGES = ("cms_memberships:index", "cms_membership_log:index")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["wagtailadmin_home", *WAGTAIL_PROJECT_PAGES])
def test_project_role_in_the_wagtail_admin(name, project_world, client):
    _, users, _, _ = project_world
    url = reverse(name)
    for role in PROJECT_ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        got = client.get(url)
        if role in ("project admin", "staff"):
            assert got.status_code == 200, (role, url, got.status_code)
        else:
            assert got.status_code == 302, (role, url, got.status_code)
            assert "login" in got["Location"], (role, url)


@pytest.mark.django_db
def test_project_admin_edits_only_the_project_in_the_wagtail_admin(
    project_world, client
):
    world, users, _, _ = project_world
    from catalogue.access.models import Membership
    from tests.factories import ProjectFactory

    own = Membership.objects.get(user=users["viewer"])
    elsewhere = Membership.objects.create(
        project=ProjectFactory(slug="elsewhere"), user=users["viewer"], role="rater"
    )
    client.force_login(users["project admin"])
    assert client.get(reverse("cms_memberships:edit", args=[own.pk])).status_code == 200
    for name in ("cms_memberships:edit", "cms_memberships:delete"):
        url = reverse(name, args=[elsewhere.pk])
        assert client.get(url).status_code == 404, url
