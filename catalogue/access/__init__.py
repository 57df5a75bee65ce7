"""Projects' members and roles, and the one place deciding who may reach what.

`rules` answers (visible_* querysets, may_* predicates, role_for);
`services` changes memberships and logs each change; `views` is the
project admin page. Above the survey layer, below ingest, api and browse.
"""
