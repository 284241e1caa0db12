from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and synthetic data: the demo catalog, its simulated search history and the
    synthetic scale generator. Product code never imports this app; the site runs without
    it in INSTALLED_APPS (only its commands go with it)."""

    name = "demo"
    verbose_name = "Demo and synthetic data"
