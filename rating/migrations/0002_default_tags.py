"""Create the default classification tags (SPEC §3)."""

from django.db import migrations

DEFAULT_TAGS = (
    "Flaring star",
    "Unknown",
    "AGN",
    "IDV",
    "Noise",
    "Sidelobes",
    "Artefacts",
    "Aeroplane or Satellite",
    "FRB",
    "New pulsar",
    "Known pulsar",
)


def create_tags(apps, schema_editor):
    Tag = apps.get_model("rating", "Tag")
    for name in DEFAULT_TAGS:
        Tag.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("rating", "0001_initial")]

    operations = [migrations.RunPython(create_tags, migrations.RunPython.noop)]
