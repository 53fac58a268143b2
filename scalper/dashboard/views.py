"""`/`: the dashboard for signed-in browsers (with DASHBOARD_DIR), the legacy JSON otherwise; and
the sign-in page."""

import math

from csp.constants import HEADER
from csp.utils import build_policy
from django.contrib.auth.views import LoginView, redirect_to_login
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from scalper.api import views as api_views
from scalper.api.throttling import LoginRateThrottle
from scalper.dashboard.build import dashboard_build


def asks_for_html(request):
    """A browser navigating here (Accept names text/html), not a script reading the JSON."""
    return any(
        media_type.main_type == "text" and media_type.sub_type == "html"
        for media_type in request.accepted_types
    )


# It writes nothing: other methods get the API root's 405, not the CSRF middleware's HTML 403.
@csrf_exempt
def root(request):
    build = dashboard_build()
    if build is None or request.method not in ("GET", "HEAD") or not asks_for_html(request):
        response = api_views.root(request)
    elif not request.user.is_authenticated:
        response = redirect_to_login(request.get_full_path())
    else:
        response = HttpResponse(build.index_html, content_type="text/html; charset=utf-8")
        # The page carries no data (the API does), but it must never come from a shared cache.
        patch_cache_control(response, private=True, no_cache=True)
        response[HEADER] = build_policy(config=build.csp)
    if build is not None:
        patch_vary_headers(response, ["Accept", "Cookie"])
    return response


def document_root(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: `/` is routed here, a plain view, so the schema
    generator does not see the legacy JSON root that scripts still get from it; add it back."""
    return [("/", "^$", "GET", api_views.root), *endpoints]


class SignInView(LoginView):
    """Django's login form; sign-ins count with token requests against THROTTLE_AUTH_RATE per
    client address, so the form is no way around that limit on password guessing."""

    template_name = "dashboard/sign_in.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        throttle = LoginRateThrottle()
        if throttle.allow_request(request, self):
            return super().post(request, *args, **kwargs)
        wait = math.ceil(throttle.wait() or 1)
        response = self.render_to_response(
            self.get_context_data(form=self.get_form(), throttled_seconds=wait), status=429
        )
        response["Retry-After"] = str(wait)
        return response
