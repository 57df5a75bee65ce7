"""Replace Wagtail's welcome page with the portal's HomePage as the site root."""

from django.db import migrations

INTRO = (
    "<p>Transient candidates found by the survey's imaging pipeline: browse the "
    "catalogue, inspect each candidate's images and light curve, and rate it.</p>"
)


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("home.HomePage")
    Locale = apps.get_model("wagtailcore.Locale")

    Page.objects.filter(depth=2, slug="home").delete()
    content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="home")
    home = HomePage.objects.create(
        title="Candidate Portal",
        draft_title="Candidate Portal",
        slug="home",
        content_type=content_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        intro=INTRO,
        live=True,
        locale=Locale.objects.order_by("id").first(),
    )
    Site.objects.create(
        hostname="localhost", root_page=home, is_default_site=True, site_name="Candidate Portal"
    )


def remove_homepage(apps, schema_editor):
    apps.get_model("home.HomePage").objects.filter(slug="home", depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [("home", "0001_initial")]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
