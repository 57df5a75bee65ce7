"""Django admin (/django-admin/, staff only) for the survey data."""

from django.contrib import admin

from catalogue.survey.models import Beam, Candidate, Observation, Project, Upload


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "created_at"]
    search_fields = ["slug", "name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ["sbid", "project", "start_time", "created_at"]
    list_filter = ["project"]
    search_fields = ["sbid", "project__slug"]
    list_select_related = ["project"]
    date_hierarchy = "start_time"


@admin.register(Beam)
class BeamAdmin(admin.ModelAdmin):
    list_display = ["observation", "index"]
    list_filter = ["observation__project"]
    search_fields = ["observation__sbid"]
    list_select_related = ["observation__project"]
    raw_id_fields = ["observation"]


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["name", "observation", "beam", "ra", "dec", "is_best_beam"]
    list_filter = ["is_best_beam", "observation__project"]
    search_fields = ["name"]
    list_select_related = ["observation__project", "beam__observation__project"]
    raw_id_fields = ["beam", "observation"]
    # Counting a million rows on every change-list page is slow.
    show_full_result_count = False


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    list_display = ["observation", "user", "via", "created_at", "candidates", "files"]
    list_filter = ["via"]
    search_fields = ["observation__sbid", "user__username"]
    list_select_related = ["observation__project", "user"]
    raw_id_fields = ["observation"]
