"""WhiteNoise for the static files, and the dashboard build's hashed assets."""

from pathlib import Path

from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware

NEXT_ASSETS_PREFIX = "/_next/"
# Next.js names every file under _next/static/ by its content (or the build id): cacheable forever.
NEXT_IMMUTABLE_PREFIX = "/_next/static/"


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, also serving DASHBOARD_DIR's `_next/` folder, with long cache headers."""

    def __init__(self, get_response=None, settings=settings):
        super().__init__(get_response, settings)
        if settings.DASHBOARD_DIR:
            self.add_files(Path(settings.DASHBOARD_DIR) / "_next", prefix=NEXT_ASSETS_PREFIX)

    def immutable_file_test(self, path, url):
        return url.startswith(NEXT_IMMUTABLE_PREFIX) or super().immutable_file_test(path, url)
