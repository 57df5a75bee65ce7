"""The "Editors" group (SPEC §1): Wagtail admin, edit and publish the site's
pages, and browse the survey data and ratings in the admin.

Wagtail's own initial data already creates "Editors" (add/edit on the tree
root, images, documents); this adds publishing on the home page tree and
read access to the survey models, creating the group if it is missing.
"""

from django.db import migrations

PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
# (app_label, model, codenames): editors browse these in the Wagtail admin.
MODEL_PERMISSIONS = (
    ("catalogue", "project", ("view",)),
    ("catalogue", "observation", ("view",)),
    ("rating", "rating", ("view",)),
    ("rating", "tag", ("view", "add", "change")),
)


def _permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def create_editors(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    HomePage = apps.get_model("home", "HomePage")

    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        _permission(apps, "wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")
    )
    for app_label, model, actions in MODEL_PERMISSIONS:
        for action in actions:
            editors.permissions.add(
                _permission(
                    apps, app_label, model, f"{action}_{model}", f"Can {action} {model}"
                )
            )
    for home in HomePage.objects.all():
        for codename in PAGE_PERMISSIONS:
            permission = _permission(
                apps, "wagtailcore", "page", codename, f"Can {codename.split('_')[0]} page"
            )
            GroupPagePermission.objects.get_or_create(
                group=editors, page_id=home.pk, permission=permission
            )


def remove_editor_page_permissions(apps, schema_editor):
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    HomePage = apps.get_model("home", "HomePage")
    GroupPagePermission.objects.filter(
        group__name="Editors", page_id__in=HomePage.objects.values("pk")
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0003_standard_and_release_note_pages"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        ("catalogue", "0001_initial"),
        ("rating", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_editors, remove_editor_page_permissions)
    ]
