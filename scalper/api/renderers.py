"""DRF's browsable API under the app's Content-Security-Policy."""

from csp.constants import UNSAFE_INLINE
from rest_framework import renderers


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API. Its templates style a few elements inline (Pygments' colours, some
    `style` attributes), so its pages allow inline styles; scripts stay the app's own only."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            # What django-csp's @csp_update sets on a view's response.
            response._csp_update = {"style-src": [UNSAFE_INLINE]}
        return super().render(data, accepted_media_type, renderer_context)
