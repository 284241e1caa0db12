from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comparisons", "0014_termstatistic_bucket_width"),
    ]

    operations = [
        migrations.AddField(
            model_name="matchgraphstate",
            name="mark_last_id",
            field=models.BigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="matchgraphstate",
            name="mark_own",
            field=models.BigIntegerField(default=-1),
        ),
        migrations.AddField(
            model_name="matchgraphstate",
            name="mark_snapshot",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AddField(
            model_name="matchgraphstate",
            name="marked_at",
            field=models.DateTimeField(null=True),
        ),
    ]
