"""Django admin (/django-admin/, staff only) for tags and ratings."""

from django.contrib import admin

from rating.models import Rating, RatingHistory, Tag
from rating.policy import ProjectRatingSettings
from rating.team import CandidateComment


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "created_by", "created_at"]
    search_fields = ["name", "description"]
    raw_id_fields = ["created_by"]


class RatingHistoryInline(admin.TabularInline):
    model = RatingHistory
    extra = 0
    can_delete = False
    readonly_fields = ["label", "tag", "notes", "changed_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """Ratings are changed by raters through `save_rating()` (which keeps the
    history); staff may inspect and delete them here, not edit them.
    """

    list_display = ["candidate", "user", "label", "tag", "updated_at"]
    list_filter = ["label", "tag"]
    search_fields = ["candidate__name", "user__username", "notes"]
    list_select_related = ["candidate", "user", "tag"]
    readonly_fields = ["candidate", "user", "label", "tag", "notes"]
    inlines = [RatingHistoryInline]

    def has_add_permission(self, request):
        return False


@admin.register(CandidateComment)
class CandidateCommentAdmin(admin.ModelAdmin):
    """Staff may read and remove comments (e.g. posted by mistake)."""

    list_display = ["candidate", "user", "created_at"]
    search_fields = ["candidate__name", "user__username", "text"]
    list_select_related = ["candidate", "user"]
    raw_id_fields = ["candidate", "user"]
    readonly_fields = ["candidate", "user", "text", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(ProjectRatingSettings)
class ProjectRatingSettingsAdmin(admin.ModelAdmin):
    list_display = ["project", "target_raters", "majority_fraction", "team_visibility"]
    list_select_related = ["project"]
