"""System checks: a DASHBOARD_DIR that holds a build, and API_TRUSTED_NETWORKS in production."""

from pathlib import Path

from django.conf import settings
from django.core import checks


@checks.register()
def dashboard_dir_holds_a_build(app_configs, **kwargs):
    if not settings.DASHBOARD_DIR:
        return []
    index = Path(settings.DASHBOARD_DIR) / "index.html"
    if index.is_file():
        return []
    return [
        checks.Error(
            f"DASHBOARD_DIR is {settings.DASHBOARD_DIR!r}, but {index} does not exist.",
            hint="Point it at the dashboard's static export (the `out` folder of `next build` "
            'with `output: "export"`), or leave it empty.',
            id="dashboard.E001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def trusted_networks_are_open(app_configs, **kwargs):
    if not settings.API_TRUSTED_NETWORKS:
        return []
    networks = ", ".join(str(network) for network in settings.API_TRUSTED_NETWORKS)
    return [
        checks.Warning(
            f"API_TRUSTED_NETWORKS is set ({networks}): every client address in it uses the "
            "whole API without credentials, exchange credentials included.",
            hint="Keep it for the cut-over only, as narrow as possible, and empty it once the "
            "dashboard is served by this app (DASHBOARD_DIR) with signed-in users.",
            id="dashboard.W001",
        )
    ]
