"""Candidate page (login required)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import DetailView

from catalogue.models import Candidate


class CandidateDetailView(LoginRequiredMixin, DetailView):
    template_name = "rating/candidate_detail.html"
    context_object_name = "candidate"

    def get_queryset(self):
        return Candidate.objects.select_related("beam", "observation__project")
