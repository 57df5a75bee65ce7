"""Catalogue views (login required)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import ListView

from .models import Candidate


class CandidateListView(LoginRequiredMixin, ListView):
    """Best-beam candidates, newest observation first."""

    template_name = "catalogue/candidate_list.html"
    paginate_by = 50

    def get_queryset(self):
        return (
            Candidate.objects.filter(is_best_beam=True)
            .select_related("beam", "observation__project")
            .order_by("-observation_id", "beam__index", "name")
        )
