"""Ratings summary pages, downloads and deletion by staff or project admins
(`/ratings/`).

Every page and download takes the same filter query string (`RatingFilter`),
so a shared URL shows, and exports, the same selection.
"""

from django.contrib import messages
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Concat
from django.http import (
    Http404,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import DeleteView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from catalogue.access.rules import may_administer, visible_ratings
from catalogue.survey.models import Candidate
from rating.consensus import (
    DISPUTED_AGREEMENT,
    consensus_of_ratings,
    disputed_of_ratings,
)
from rating.label_counts import consensus_rows_from_counts, selection_of
from rating.models import Rating
from rating.summary.exports import (
    ratings_zip_stream,
    training_set_csv_stream,
    training_set_votable_stream,
)
from rating.summary.figures import summary_figures
from rating.summary.filters import RatingFilter
from rating.summary.progress import queue_url, rating_progress
from rating.summary.tables import ConsensusTable, RatingTable


def _filtered(request):
    """The `RatingFilter` bound to the request's query string."""
    return RatingFilter(request.GET, queryset=Rating.objects.all(), request=request)


class RatingFilterMixin(LoginRequiredMixin):
    """Shared context of the summary tabs: the filters and their query string."""

    filterset_class = RatingFilter
    table_pagination = {"per_page": 25}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        for name in ("page", "sort"):
            query.pop(name, None)
        context["filter_query"] = query.urlencode()
        context["disputed_percent"] = round(100 * DISPUTED_AGREEMENT)
        return context


class CountedPaginator(Paginator):
    """A paginator told the number of rows, so it runs no COUNT(*)."""

    def __init__(self, object_list, per_page, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count


class RatingSummaryView(RatingFilterMixin, SingleTableMixin, FilterView):
    """Filtered ratings table, counts, Fleiss' kappa and the three charts."""

    template_name = "rating/summary/index.html"
    table_class = RatingTable

    def get_queryset(self):
        # Prefetching (not joining) keeps the page query a bounded top-N sort
        # of the ratings alone; the related rows come in one query each.
        return Rating.objects.prefetch_related(
            "candidate__observation__project", "candidate__beam", "user", "tag"
        )

    def get_table_kwargs(self):
        return {} if self.request.user.is_staff else {"exclude": ("delete",)}

    @cached_property
    def figures(self):
        return summary_figures(self.object_list, selection_of(self.filterset))

    def get_table_pagination(self, table):
        # The charts have counted the selected ratings already.
        return {
            **super().get_table_pagination(table),
            "paginator_class": CountedPaginator,
            "count": self.figures["totals"]["ratings"],
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.figures)
        context["progress"] = rating_progress(
            selection_of(self.filterset), self.request.user
        )
        context["queue_url"] = queue_url(self.request.GET)
        context["tab"] = "ratings"
        return context


class ConsensusView(RatingFilterMixin, SingleTableMixin, FilterView):
    """Per-candidate majority label, agreement and raters; `?disputed=1` narrows."""

    template_name = "rating/summary/consensus.html"
    table_class = ConsensusTable

    @property
    def disputed_only(self):
        return self.request.GET.get("disputed") in {"1", "on", "true"}

    def get_table_data(self):
        rows = consensus_rows_from_counts(
            selection_of(self.filterset), self.disputed_only
        )
        if rows is None:
            rows = (
                disputed_of_ratings(self.object_list)
                if self.disputed_only
                else consensus_of_ratings(self.object_list)
            )
        candidate = Candidate.objects.filter(pk=OuterRef("candidate"))
        observation = Concat(
            "observation__project__slug",
            Value("/"),
            "observation__sbid",
            output_field=CharField(),
        )
        return rows.annotate(
            candidate_name=Subquery(candidate.values("name")[:1]),
            observation=Subquery(
                candidate.annotate(label=observation).values("label")[:1]
            ),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tab"] = "disputed" if self.disputed_only else "consensus"
        return context


class RatingsZipView(LoginRequiredMixin, View):
    """`ratings.zip`: the filtered ratings (`ratings.csv`) and the tags (`tags.csv`)."""

    def get(self, request):
        ratings = _filtered(request).qs
        response = StreamingHttpResponse(
            ratings_zip_stream(ratings), content_type="application/zip"
        )
        stamp = timezone.now().strftime("%Y%m%dT%H%M")
        response["Content-Disposition"] = f'attachment; filename="ratings-{stamp}.zip"'
        return response


class TrainingSetView(LoginRequiredMixin, View):
    """Rated candidates' features + consensus label + agreement (CSV or VOTable)."""

    def get(self, request, fmt):
        ratings = _filtered(request).qs
        stamp = timezone.now().strftime("%Y%m%dT%H%M")
        if fmt == "csv":
            response = StreamingHttpResponse(
                training_set_csv_stream(ratings), content_type="text/csv"
            )
            filename = f"training-set-{stamp}.csv"
        elif fmt == "votable":
            response = StreamingHttpResponse(
                training_set_votable_stream(ratings),
                content_type="application/x-votable+xml",
            )
            filename = f"training-set-{stamp}.vot"
        else:
            raise Http404("Unknown format")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class RatingDeleteView(LoginRequiredMixin, DeleteView):
    """Staff, or an admin of the rating's project, remove a rating after
    confirming; the deletion is logged. Others get 403 (404 if hidden)."""

    template_name = "rating/summary/rating_confirm_delete.html"
    context_object_name = "rating"

    def get_queryset(self):
        return visible_ratings(
            self.request.user,
            Rating.objects.select_related(
                "candidate__observation__project", "user", "tag"
            ),
        )

    def get_object(self, queryset=None):
        rating = super().get_object(queryset)
        if not may_administer(
            self.request.user, rating.candidate.observation.project_id
        ):
            raise PermissionDenied(
                "Only staff and the project's admins delete ratings."
            )
        return rating

    def get_success_url(self):
        return reverse("ratings:summary")

    def form_valid(self, form):
        rating = self.object
        description = (
            f"Deleted rating of {rating.candidate} ({rating.candidate.observation}) "
            f"by {rating.user}: label {rating.label}, "
            f"tag {rating.tag or '-'}, "
            + (f"notes {rating.notes!r}" if rating.notes else "no notes")
        )
        with transaction.atomic():
            LogEntry.objects.log_actions(
                self.request.user.pk,
                Rating.objects.filter(pk=rating.pk),
                DELETION,
                change_message=description,
                single_object=True,
            )
            rating.delete()
        messages.success(self.request, description)
        return HttpResponseRedirect(self.get_success_url())
