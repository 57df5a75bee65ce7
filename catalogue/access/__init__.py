"""Projects' members and roles, and the one place deciding who may reach what.

`rules` answers (visible_* querysets, may_* predicates, role_for);
`services` changes memberships and logs each change; `views` is the
project admin page (`/project-admin/`); `admin_views` the Wagtail admin's
members and log. Above the survey layer, below ingest, api and browse;
rating imports it too.

How a view uses it (one helper call per view):

- a page of one candidate: `get_object_or_404(visible_candidates(request.user,
  queryset), pk=pk)`, so a hidden project's candidate is a 404;
- a write on it: `if not may_rate(request.user, candidate.observation.project_id):
  raise PermissionDenied` (403); `may_upload`, `may_administer` likewise;
- any other rows: `visible_ratings(user, queryset)` for rows reaching a
  candidate through `candidate__observation`, or `scope(queryset, user,
  "<path>__project_id")` for a new model (comments, queue entries, ...);
- catalogue listings need nothing: `SurveyFilterSet` scopes its queryset;
  the ratings summary's `RatingFilter` likewise;
- the upload API: `writable_observation(request, slug, sbid)` (404 hidden,
  403 when the token may not write) in `catalogue.api.views.base`.
"""
