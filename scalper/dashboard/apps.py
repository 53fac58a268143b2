from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The legacy Next.js dashboard served by the app (DASHBOARD_DIR), and its sign-in page."""

    name = "scalper.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"

    def ready(self):
        from scalper.dashboard import checks  # noqa: F401 (registers the checks)
