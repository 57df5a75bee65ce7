"""Query-string pieces of the catalogue page's links.

Header links keep every filter, set `sort` and go back to page 1; page
links keep the sort; candidate links and exports keep the filters. Each is
built from the request's query string (a QueryDict) minus some keys.
"""

from urllib.parse import urlencode


def pairs_without(params, *names):
    """(key, value) pairs of a QueryDict, leaving out the keys `names`."""
    return [
        (key, value)
        for key, values in params.lists()
        if key not in names
        for value in values
    ]


def query_without(params, *names):
    """`params` (a QueryDict) as a query string without the keys `names`."""
    return urlencode(pairs_without(params, *names))
