"""Create the Editors group (catalog curation, no user management) and the default
rank weights per kind. Values are frozen here on purpose: later changes to the
defaults in catalog/ranking.py must not rewrite history."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_MODELS = {
    "vendor": ("add", "change", "delete", "view"),
    "tag": ("add", "change", "delete", "view"),
    "artifact": ("add", "change", "delete", "view"),
    "capability": ("add", "change", "delete", "view"),
    "rankweights": ("change", "view"),
}

DEFAULT = (0.25, 0.25, 0.10, 0.25, 0.15)
ECOSYSTEM_HEAVY = (0.25, 0.25, 0.20, 0.20, 0.10)
WEIGHTS = {
    "model": DEFAULT,
    "api": DEFAULT,
    "app": DEFAULT,
    "agent": DEFAULT,
    "mcp_server": ECOSYSTEM_HEAVY,
    "library": ECOSYSTEM_HEAVY,
    "extension": ECOSYSTEM_HEAVY,
    "dataset": DEFAULT,
}


def grant(apps, group_name, app_label, models):
    # Permissions are normally created after all migrations; create them now so a
    # fresh database gets a complete group.
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    )


def forwards(apps, schema_editor):
    grant(apps, "Editors", "catalog", EDITOR_MODELS)
    RankWeights = apps.get_model("catalog", "RankWeights")
    for kind, (adoption, quality, ecosystem, match_graph, freshness) in WEIGHTS.items():
        RankWeights.objects.get_or_create(
            kind=kind,
            defaults=dict(
                adoption=adoption,
                quality=quality,
                ecosystem=ecosystem,
                match_graph=match_graph,
                freshness=freshness,
            ),
        )


def backwards(apps, schema_editor):
    apps.get_model("catalog", "RankWeights").objects.all().delete()
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("catalog", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
