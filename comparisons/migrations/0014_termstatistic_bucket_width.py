from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comparisons", "0013_search_short_stem_path"),
    ]

    operations = [
        # Rows written before this field were counted in buckets of 256 artifact ids.
        migrations.AddField(
            model_name="termstatistic",
            name="bucket_width",
            field=models.PositiveIntegerField(default=256),
            preserve_default=False,
        ),
    ]
