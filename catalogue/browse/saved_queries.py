"""Saved catalogue queries: filters, sort and shown columns under a name.

A saved query is the catalogue's own query string (the page is left out),
so opening one is opening `/catalogue/?<query>`: whatever the URL can say
(every filter, the sort, the page size and, in `columns`, the shown
columns) a saved query keeps. It is private to its owner, or shared with
the team: shared queries are listed on the catalogue page and the home
page for every logged-in user. Only the owner renames, shares or deletes.
"""

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse

MAX_QUERY_LENGTH = 4000  # characters of query string, far beyond any filter set
MAX_NAME_LENGTH = 100
# Not part of what a query selects: the page it was saved on.
UNSAVED_PARAMS = ("page",)


class SavedQuery(models.Model):
    """A named catalogue query string of one user, maybe shared with the team."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_queries",
    )
    name = models.CharField(max_length=MAX_NAME_LENGTH)
    query = models.TextField(
        blank=True,
        help_text="The catalogue query string: filters, sort, page size, columns.",
    )
    shared = models.BooleanField(
        default=False, help_text="Listed for the whole team, not only the owner."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "catalogue"
        ordering = ["name", "id"]
        verbose_name_plural = "saved queries"
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"], name="one_saved_query_name_per_owner"
            )
        ]
        indexes = [models.Index(fields=["shared", "name"], name="saved_query_shared")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        target = reverse("catalogue:list")
        return f"{target}?{self.query}" if self.query else target


def clean_query(text):
    """A query string re-encoded from its parsed pairs, without the page."""
    params = QueryDict(text or "", mutable=True)
    for name in UNSAVED_PARAMS:
        params.pop(name, None)
    return params.urlencode()


class SavedQueryForm(forms.Form):
    """Name, sharing and the query string the catalogue page posts."""

    name = forms.CharField(max_length=MAX_NAME_LENGTH, strip=True)
    shared = forms.BooleanField(required=False)
    query = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH, strip=False)

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("A saved query needs a name.")
        return name

    def clean_query(self):
        return clean_query(self.cleaned_data["query"])


def save_query(owner, name, query, shared):
    """Create the owner's query `name`, or replace the one of that name.

    Returns (saved query, created).
    """
    return SavedQuery.objects.update_or_create(
        owner=owner, name=name, defaults={"query": query, "shared": shared}
    )


def queries_for(user):
    """The user's own queries and the team's shared ones, by name."""
    return SavedQuery.objects.filter(Q(owner=user) | Q(shared=True)).select_related(
        "owner"
    )


def shared_queries():
    """Every query shared with the team, by name (for the home page)."""
    return SavedQuery.objects.filter(shared=True).select_related("owner")
