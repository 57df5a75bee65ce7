"""The one-field query form behind page search and candidate lookup.

A Django `CharField` refuses NUL characters (PostgreSQL cannot store or
compare them in text), so a hostile `?q=%00` is a 400 page, not a 500.
"""

from django import forms

MAX_QUERY_LENGTH = 200


class QueryForm(forms.Form):
    q = forms.CharField(required=False)

    def query(self):
        """The cleaned query, trimmed and cut to `MAX_QUERY_LENGTH` characters."""
        return self.cleaned_data["q"][:MAX_QUERY_LENGTH]
