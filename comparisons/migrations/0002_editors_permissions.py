from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_MODELS = {
    "comparisonoverride": ("add", "change", "delete", "view"),
    "intent": ("change", "view"),
    "searchevent": ("view",),
    "match": ("view",),
    "pairevidence": ("view",),
}


def forwards(apps, schema_editor):
    app_config = apps.get_app_config("comparisons")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Editors")
    codenames = [f"{a}_{m}" for m, actions in EDITOR_MODELS.items() for a in actions]
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="comparisons", codename__in=codenames)
    )


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Editors"):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="comparisons"))


class Migration(migrations.Migration):
    dependencies = [
        ("comparisons", "0001_initial"),
        ("catalog", "0002_editors_group_and_default_weights"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
