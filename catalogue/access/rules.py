"""The one place that decides who may see, rate, upload and administer what.

Every queryset of survey or rating rows a user can reach goes through one
of the `visible_*` helpers, and every write checks one of the `may_*`
predicates. Views never test roles or `is_restricted` themselves.

Cost: for a non-staff user, one small query per request (the restricted
projects and the user's memberships; a site has few projects), kept on the
user object. When no project is hidden from the user, the `visible_*`
helpers return the queryset unchanged, so an all-open site pays nothing
on its big tables. Staff and anonymous users cost no query at all.

    access_for(user)                     -> ProjectAccess (cached per request)
    role_for(user, project)              -> Role or None (None: may not see it)
    may_view / may_rate / may_upload / may_administer(user, project) -> bool
    visible_projects(user, queryset=None)
    visible_observations(user, queryset=None)
    visible_candidates(user, queryset=None)
    ratable_candidates(user, queryset=None)  visible minus viewer-only projects
    visible_ratings(user, queryset)      rating rows (queryset required)
    visible_candidate_files(user, queryset=None), visible_beam_files(...)
    scope(queryset, user, project_field) for any other model
    may_see_media(user, storage_name)    the protected media view
    token_may_write(token, project)      the upload API
    administered_projects(user), administers_any_project(user)  admin pages
"""

import functools
import json
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import FilteredRelation, Q
from django.db.models.expressions import RawSQL

from catalogue.access.models import ROLE_RANK, Membership, Role
from catalogue.survey.models import (
    BeamFile,
    Candidate,
    CandidateFile,
    Observation,
    Project,
)

CACHE_ATTRIBUTE = "_portal_project_access"
MEDIA_SURVEY_PREFIX = "surveys/"  # storage names are surveys/<project slug>/...


@dataclass(frozen=True)
class ProjectAccess:
    """What one user may reach: computed once, then only looked up.

    `hidden_ids`/`hidden_slugs`: restricted projects the user is no member
    of; `roles`: the user's memberships (project id → Role);
    `restricted_ids`: every restricted project (so open ones need no row).
    """

    staff: bool = False
    nothing: bool = False
    hidden_ids: frozenset = frozenset()
    hidden_slugs: frozenset = frozenset()
    restricted_ids: frozenset = frozenset()
    roles: dict = field(default_factory=dict)

    def role(self, project_id):
        """The user's role in project `project_id`, or None if hidden."""
        if self.nothing:
            return None
        if self.staff:
            return Role.ADMIN
        member_role = self.roles.get(project_id)
        if member_role is not None:
            # A membership is what its admin chose, also in an open project
            # (a viewer there may look but not rate).
            return member_role
        return None if project_id in self.restricted_ids else Role.RATER

    @property
    def sees_everything(self):
        return not self.nothing and (self.staff or not self.hidden_ids)


NOTHING = ProjectAccess(nothing=True)
EVERYTHING = ProjectAccess(staff=True)


ROWS_ATTRIBUTE = "portal_access_rows"  # what `with_access_rows` adds to a user


@functools.cache
def _access_rows_sql(user_table):
    """The rows `_access_rows` reads, for the user row of the outer query,
    as JSON text: [[id, slug, is_restricted, role or null], ...]."""
    project, membership = Project._meta.db_table, Membership._meta.db_table
    return (
        "(SELECT COALESCE(json_agg(json_build_array(p.id, p.slug, "
        "p.is_restricted, m.role) ORDER BY p.id), '[]')::text "
        f'FROM "{project}" p LEFT JOIN "{membership}" m '
        f'ON m.project_id = p.id AND m.user_id = "{user_table}"."id" '
        "WHERE p.is_restricted OR m.role IS NOT NULL)"
    )


def with_access_rows(users):
    """`users` (a user queryset) annotated with the rows `access_for` reads.

    The authentication backend loads the logged-in user with it, so the
    membership check costs no round trip of its own (PostgreSQL: one
    subquery on the small project and membership tables, written as SQL
    because the ORM takes longer to compile it than the database to run
    it). Elsewhere the queryset is unchanged and `access_for` queries.
    """
    if connections[users.db].vendor != "postgresql":
        return users
    sql = _access_rows_sql(users.model._meta.db_table)
    return users.annotate(**{ROWS_ATTRIBUTE: RawSQL(sql, ())})


def _access_rows(user):
    """(id, slug, is_restricted, role or None) of every restricted project
    and every project `user` is a member of."""
    loaded = getattr(user, ROWS_ATTRIBUTE, None)
    if loaded is not None:
        return json.loads(loaded)
    return (
        Project.objects.annotate(
            mine=FilteredRelation("memberships", condition=Q(memberships__user=user))
        )
        .filter(Q(is_restricted=True) | Q(mine__role__isnull=False))
        .values_list("id", "slug", "is_restricted", "mine__role")
    )


def _compute_access(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_staff:
        return EVERYTHING
    restricted, hidden, hidden_slugs, roles = set(), set(), set(), {}
    for project_id, slug, is_restricted, role in _access_rows(user):
        if role:
            roles[project_id] = Role(role)
        if is_restricted:
            restricted.add(project_id)
            if not role:
                hidden.add(project_id)
                hidden_slugs.add(slug)
    return ProjectAccess(
        hidden_ids=frozenset(hidden),
        hidden_slugs=frozenset(hidden_slugs),
        restricted_ids=frozenset(restricted),
        roles=roles,
    )


def access_for(user):
    """The user's `ProjectAccess`, computed once per user object (request)."""
    cached = getattr(user, CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = _compute_access(user)
        try:
            setattr(user, CACHE_ATTRIBUTE, cached)
        except AttributeError:
            pass
    return cached


def forget_access(user):
    """Drop the cached answer (after changing this user's memberships),
    and the rows loaded with the user, which are as stale."""
    for name in (CACHE_ATTRIBUTE, ROWS_ATTRIBUTE):
        try:
            delattr(user, name)
        except AttributeError:
            pass


def _project_id(project):
    return getattr(project, "pk", project)


def role_for(user, project):
    """`user`'s Role in `project` (a Project or its id); None: may not see it."""
    return access_for(user).role(_project_id(project))


def _at_least(user, project, minimum):
    role = role_for(user, project)
    return role is not None and ROLE_RANK[role] >= ROLE_RANK[minimum]


def may_view(user, project):
    """Browse and export the project's candidates."""
    return role_for(user, project) is not None


def may_rate(user, project):
    """Rate, comment on and tag the project's candidates."""
    return _at_least(user, project, Role.RATER)


def may_upload(user, project):
    """Write the project's data through the API (with a token naming it)."""
    return _at_least(user, project, Role.UPLOADER)


def may_administer(user, project):
    """Edit the project's settings and members; delete its observations, ratings."""
    return _at_least(user, project, Role.ADMIN)


def may_rate_somewhere(user):
    """Rate in at least one project (creating a shared tag needs this)."""
    access = access_for(user)
    if access.nothing:
        return False
    if access.staff:
        return True
    if any(ROLE_RANK[role] >= ROLE_RANK[Role.RATER] for role in access.roles.values()):
        return True
    # An open project where the user holds no (lesser) membership; with no
    # project at all nothing is refused (a tag names no project's data).
    not_rating_here = access.restricted_ids | set(access.roles)
    if not not_rating_here:
        return True
    return Project.objects.exclude(pk__in=not_rating_here).exists()


def scope(queryset, user, project_field):
    """`queryset` without the rows of projects hidden from `user`.

    `project_field` is the lookup from the queryset's model to the project's
    id, e.g. "observation__project_id" for candidates. Unchanged (no extra
    SQL) when nothing is hidden from the user.
    """
    access = access_for(user)
    if access.nothing:
        return queryset.none()
    if access.sees_everything:
        return queryset
    return queryset.exclude(**{f"{project_field}__in": sorted(access.hidden_ids)})


def visible_projects(user, queryset=None):
    return scope(Project.objects.all() if queryset is None else queryset, user, "id")


def visible_observations(user, queryset=None):
    queryset = Observation.objects.all() if queryset is None else queryset
    return scope(queryset, user, "project_id")


def visible_candidates(user, queryset=None):
    queryset = Candidate.objects.all() if queryset is None else queryset
    return scope(queryset, user, "observation__project_id")


def ratable_candidates(user, queryset=None):
    """The visible candidates `user` may rate: without the projects where
    their membership is only a viewer's ("Rate & next" never opens those)."""
    queryset = visible_candidates(user, queryset)
    access = access_for(user)
    look_only = [
        project_id
        for project_id, role in access.roles.items()
        if ROLE_RANK[role] < ROLE_RANK[Role.RATER]
    ]
    if access.staff or not look_only:
        return queryset
    return queryset.exclude(observation__project_id__in=sorted(look_only))


def visible_ratings(user, queryset):
    """Rating (or rating history) rows of visible candidates.

    The queryset is required: rating models live above this layer.
    """
    return scope(queryset, user, "candidate__observation__project_id")


def visible_candidate_files(user, queryset=None):
    queryset = CandidateFile.objects.all() if queryset is None else queryset
    return scope(queryset, user, "candidate__observation__project_id")


def visible_beam_files(user, queryset=None):
    queryset = BeamFile.objects.all() if queryset is None else queryset
    return scope(queryset, user, "beam__observation__project_id")


def may_see_media(user, storage_name):
    """May `user` fetch the stored file `storage_name` (relative to MEDIA_ROOT)?

    Survey files are stored under `surveys/<project slug>/`, so the answer
    needs no query beyond `access_for`. Other media (Wagtail's) is left to
    the caller's rules.
    """
    access = access_for(user)
    if access.nothing:
        return False
    if access.sees_everything:
        return True
    if not storage_name.startswith(MEDIA_SURVEY_PREFIX):
        return True
    slug = storage_name[len(MEDIA_SURVEY_PREFIX) :].split("/", 1)[0]
    return slug not in access.hidden_slugs


def hidden_project_slugs(user):
    """Slugs of the restricted projects `user` is no member of."""
    access = access_for(user)
    return frozenset() if access.staff else access.hidden_slugs


def uploadable_projects(user):
    """Projects `user` may upload to (what a new token may name)."""
    access = access_for(user)
    projects = visible_projects(user)
    if access.staff:
        return projects
    ids = [pid for pid, role in access.roles.items() if may_upload(user, pid)]
    return projects.filter(pk__in=ids)


def administered_projects(user):
    """Projects whose settings and members `user` may edit."""
    access = access_for(user)
    projects = visible_projects(user)
    if access.staff:
        return projects
    ids = [pid for pid in access.roles if may_administer(user, pid)]
    return projects.filter(pk__in=ids)


def administers_any_project(user):
    """Is `user` staff or the admin of at least one project? (No query
    beyond `access_for`.)"""
    access = access_for(user)
    if access.nothing:
        return False
    return access.staff or any(role == Role.ADMIN for role in access.roles.values())


def token_may_write(token, project):
    """May the API write `project` with `token`? Its owner must be an
    uploader (or more) of the project, and the token must name it."""
    if token is None or not may_upload(token.user, project):
        return False
    return token.projects.filter(pk=_project_id(project)).exists()
