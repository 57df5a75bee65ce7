"""Drop the single-column indexes on Candidate.beam and .observation.

The unique (beam, name) and the (observation, is_best_beam) indexes lead
with the same columns, so lookups and cascades keep an index; ingest no
longer maintains two more indexes per row (issue 3).
"""



import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalogue', '0005_upload_token'),
    ]

    operations = [
        migrations.AlterField(
            model_name='candidate',
            name='beam',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='candidates', to='catalogue.beam'),
        ),
        migrations.AlterField(
            model_name='candidate',
            name='observation',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='candidates', to='catalogue.observation'),
        ),
    ]
