"""Rate limits: logins per client address (brute force) and writes per user.

Counters live in Django's default cache, which is Redis when REDIS_URL is set, so every worker and
every app server counts together. When Redis is unreachable the limit is skipped, not the request:
an outage of the cache must not stop anyone from stopping a bot.
"""

import logging

from redis.exceptions import RedisError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle

logger = logging.getLogger(__name__)


class SettingsRateMixin:
    """Read the rate from the settings at each request (DRF binds it once, at import)."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class FailOpenMixin:
    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except RedisError as error:
            logger.warning(
                "Rate limit %r not applied, the cache is unreachable: %s", self.scope, error
            )
            return True


class LoginRateThrottle(FailOpenMixin, SettingsRateMixin, SimpleRateThrottle):
    """Token requests per client address, whoever they claim to be."""

    scope = "auth"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class WriteRateThrottle(FailOpenMixin, SettingsRateMixin, UserRateThrottle):
    """Requests that change something, per user; reads are not limited."""

    scope = "writes"

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)
