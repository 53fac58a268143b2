"""The project's own exceptions: what an operation refuses to do, and why.

Services raise them and know nothing of HTTP. The API answers each kind with its status code in
one place (scalper/api/exceptions.py); the admin and the commands show the message, `str(error)`,
which says what is wrong and, where it can, what to do.
"""


class ScalperError(Exception):
    """An operation that cannot be carried out."""


class NotFound(ScalperError):
    """What the operation names does not exist (or no longer does)."""


class Invalid(ScalperError):
    """The operation cannot be carried out with these inputs, or not in the current state."""


class Unavailable(ScalperError):
    """A service of this deployment that the operation needs (Redis) is down or not configured."""


class UpstreamError(ScalperError):
    """A system outside this deployment (an exchange, a price feed's data) failed the operation."""
