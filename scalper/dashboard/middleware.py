"""WhiteNoise for the static files, and for the dashboard build's assets (not its pages)."""

from pathlib import Path

from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware

NEXT_ASSETS_PREFIX = "/_next/"
# Next.js names every file under _next/static/ by its content (or the build id): cacheable forever.
NEXT_IMMUTABLE_PREFIX = "/_next/static/"


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, also serving DASHBOARD_DIR's `_next/` folder (with long cache headers) and the
    files at the top of the build (favicon.ico), but never its HTML pages: `/` is a view, for
    signed-in users only (scalper.dashboard.views)."""

    def __init__(self, get_response=None, settings=settings):
        super().__init__(get_response, settings)
        self.build_files = {}
        if settings.DASHBOARD_DIR:
            build = Path(settings.DASHBOARD_DIR)
            self.add_files(build / "_next", prefix=NEXT_ASSETS_PREFIX)
            self.build_files = {
                f"/{path.name}": str(path)
                for path in build.iterdir()
                if path.is_file() and path.suffix != ".html"
            }
            if not self.autorefresh:
                for url, path in self.build_files.items():
                    self.add_file_to_dictionary(url, path)

    def candidate_paths_for_url(self, url):
        # Autorefresh (development) looks files up at each request.
        yield from super().candidate_paths_for_url(url)
        if url in self.build_files:
            yield self.build_files[url]

    def immutable_file_test(self, path, url):
        return url.startswith(NEXT_IMMUTABLE_PREFIX) or super().immutable_file_test(path, url)
