"""Tags and ratings in the Wagtail admin (/cms/)."""

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from catalogue.admin_permissions import ReadDeletePermissionPolicy
from rating.models import Rating, Tag
from rating.policy import ProjectRatingSettings
from rating.tag_keys import ProjectTagKey


class TagViewSet(ModelViewSet):
    model = Tag
    icon = "tag"
    list_display = ["name", "description", "created_by", "created_at"]
    search_fields = ["name", "description"]
    form_fields = ["name", "description"]
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=Tag.objects.select_related("created_by"), **kwargs
        )


class RatingViewSet(ModelViewSet):
    """Ratings change only through the rating pages (which keep the history);
    here they can be browsed, inspected and, by staff, deleted.
    """

    model = Rating
    icon = "pick"
    list_display = ["candidate", "user", "label", "tag", "updated_at"]
    list_filter = ["label", "tag", "user"]
    search_fields = ["candidate__name", "user__username", "notes"]
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["label"]

    @property
    def permission_policy(self):
        return ReadDeletePermissionPolicy(self.model)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=Rating.objects.select_related("candidate", "user", "tag"),
            **kwargs,
        )


class ProjectRatingSettingsViewSet(ModelViewSet):
    """Per project: target raters, retirement majority, team visibility.

    A project without a row uses the defaults (`rating.policy`); the row is
    created with them the first time the portal asks, or here.
    """

    model = ProjectRatingSettings
    icon = "cog"
    menu_label = "Project rating settings"
    list_display = ["project", "target_raters", "majority_fraction", "team_visibility"]
    form_fields = ["project", "target_raters", "majority_fraction", "team_visibility"]
    copy_view_enabled = False

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=ProjectRatingSettings.objects.select_related("project"),
            **kwargs,
        )


class ProjectTagKeyViewSet(ModelViewSet):
    """Which tag each number key 1–9 sets, per project (default: first nine)."""

    model = ProjectTagKey
    icon = "list-ol"
    menu_label = "Tag keys"
    list_display = ["project", "key", "tag"]
    list_filter = ["project"]
    form_fields = ["project", "key", "tag"]
    copy_view_enabled = False

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=ProjectTagKey.objects.select_related("project", "tag"), **kwargs
        )


class RatingViewSetGroup(ModelViewSetGroup):
    menu_label = "Ratings"
    menu_icon = "pick"
    menu_order = 310
    items = (
        RatingViewSet("cms_ratings", url_prefix="ratings"),
        TagViewSet("cms_tags", url_prefix="tags"),
        ProjectRatingSettingsViewSet(
            "cms_project_rating_settings", url_prefix="project-rating-settings"
        ),
        ProjectTagKeyViewSet("cms_tag_keys", url_prefix="tag-keys"),
    )


@hooks.register("register_admin_viewset")
def register_rating_viewsets():
    return RatingViewSetGroup()
