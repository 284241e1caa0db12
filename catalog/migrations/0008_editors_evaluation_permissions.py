"""Editors curate leaderboard aliases and usage facts, and may read imported ratings."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_MODELS = {
    "evaluationalias": ("add", "change", "delete", "view"),
    "usagefact": ("add", "change", "delete", "view"),
    "evaluation": ("view",),
}


def _permissions(apps):
    app_config = apps.get_app_config("catalog")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{a}_{m}" for m, actions in EDITOR_MODELS.items() for a in actions]
    return Permission.objects.filter(content_type__app_label="catalog", codename__in=codenames)


def forwards(apps, schema_editor):
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name="Editors")
    group.permissions.add(*_permissions(apps))


def backwards(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name="Editors"):
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_recompute_ranks")]

    operations = [migrations.RunPython(forwards, backwards)]
