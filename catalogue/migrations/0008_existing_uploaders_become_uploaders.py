"""Keep today's behaviour for existing data once projects have members.

Every existing project stays open (the field's default). Before this,
any upload token could write any project, so:

- a user who has uploaded to a project (an `Upload` row names them)
  becomes an uploader of that project;
- a user holding an unrevoked token becomes an uploader of every existing
  project, and each unrevoked token names every existing project and may
  create new ones, as it could before.

Staff need no membership. Each membership created here is logged with no
actor (the system). Reversing deletes the memberships this created.
"""

from django.db import migrations

UPLOADER = "uploader"


def add_uploaders(apps, schema_editor):
    Project = apps.get_model("catalogue", "Project")
    Upload = apps.get_model("catalogue", "Upload")
    UploadToken = apps.get_model("catalogue", "UploadToken")
    Membership = apps.get_model("catalogue", "Membership")
    MembershipLog = apps.get_model("catalogue", "MembershipLog")
    projects = list(Project.objects.all())
    pairs = set(
        Upload.objects.filter(user__isnull=False, user__is_staff=False).values_list(
            "observation__project_id", "user_id"
        )
    )
    active_tokens = list(
        UploadToken.objects.filter(revoked_at__isnull=True).select_related("user")
    )
    for token in active_tokens:
        if not token.user.is_staff:
            pairs.update((project.pk, token.user_id) for project in projects)
        token.projects.set(projects)
        token.may_create_projects = True
        token.save(update_fields=["may_create_projects"])
    slugs = {project.pk: project.slug for project in projects}
    for project_id, user_id in sorted(pairs):
        _, created = Membership.objects.get_or_create(
            project_id=project_id, user_id=user_id, defaults={"role": UPLOADER}
        )
        if created:
            MembershipLog.objects.create(
                project_id=project_id,
                project_slug=slugs[project_id],
                member_id=user_id,
                member_username=Membership.objects.get(
                    project_id=project_id, user_id=user_id
                ).user.username,
                action="added",
                new_role=UPLOADER,
            )


def remove_uploaders(apps, schema_editor):
    Membership = apps.get_model("catalogue", "Membership")
    MembershipLog = apps.get_model("catalogue", "MembershipLog")
    logged = MembershipLog.objects.filter(
        actor__isnull=True, action="added", new_role=UPLOADER
    )
    for row in logged:
        Membership.objects.filter(
            project_id=row.project_id, user_id=row.member_id, role=UPLOADER
        ).delete()
    logged.delete()


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0007_project_memberships")]

    operations = [migrations.RunPython(add_uploaders, remove_uploaders)]
