"""The values the legacy API accepted: pydantic 2's default ("lax") conversions, as rules.

The legacy backend validated every body field and query parameter with pydantic 2.5 in lax mode,
so scripts written against it may send `"quantity": "1.5"`, `"infinite_loop": "yes"` or
`?skip=10.0`. These functions accept exactly what it accepted for the types its requests used
(measured against pydantic 2.5.3; the table is in tests/api/lax_table.py) and raise ValueError for
the rest. Unlike Python's own `float()`, `int()` and `uuid.UUID()`, they take no surrounding
spaces, no non-ASCII digits and no other UUID spellings, as pydantic did.
"""

import re
import uuid

# A float as text: digits with an optional point and exponent, or inf/infinity/nan, in any case.
# Each digit can be matched one way only, so a long text is refused in linear time.
_FLOAT = re.compile(
    r"[+-]?(?:inf|infinity|nan|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:e[+-]?[0-9]+)?)", re.I | re.A
)
# An integer as text: a machine-sized one, and the long form, which may group digits with `_`.
_SHORT_INT = re.compile(r"[+-]?[0-9]+")
_LONG_INT = re.compile(r"[+-]?[0-9][0-9_]*")
# Longer texts are refused, as Python refuses to convert them (CVE-2020-10735).
_MAX_INT_DIGITS = 4300
_SHORT_INT_LENGTH = 19

_HEX_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_UUID = re.compile(rf"[0-9a-fA-F]{{32}}|{_HEX_UUID}|\{{{_HEX_UUID}\}}|urn:uuid:{_HEX_UUID}")

_TRUE = frozenset(("1", "t", "y", "on", "yes", "true"))
_FALSE = frozenset(("0", "f", "n", "no", "off", "false"))


def _without_underscores(text):
    """`1_000` as `1000`: single underscores between characters, as Python's literals allow."""
    if "_" not in text or text.startswith("_") or text.endswith("_") or "__" in text:
        return None
    return text.replace("_", "")


def _as_float(text):
    if _FLOAT.fullmatch(text):
        return float(text)
    plain = _without_underscores(text)
    if plain is not None and _FLOAT.fullmatch(plain):
        return float(plain)
    raise ValueError(text)


def _as_int(text, length):
    # Texts of 19 characters or more take the long form, whatever they become once shortened.
    pattern = _SHORT_INT if length < _SHORT_INT_LENGTH else _LONG_INT
    if pattern.fullmatch(text):
        return int(text.replace("_", ""))
    return None


def to_float(value):
    """A number, a boolean (as 0.0 or 1.0) or a numeric text, as a float (maybe inf or nan)."""
    if isinstance(value, str):
        return _as_float(value)
    if isinstance(value, (bool, int, float)):
        try:
            return float(value)
        except OverflowError:
            raise ValueError(value) from None
    raise ValueError(value)


def to_int(value):
    """An integer given as text: `10`, `+10`, `1_000`, `10.0` or `10.` (only zeros after the
    point)."""
    if not isinstance(value, str):
        raise ValueError(value)
    length = len(value)
    if length > _MAX_INT_DIGITS:
        raise ValueError(value)
    number = _as_int(value, length)
    if number is None:
        whole, point, decimals = value.partition(".")
        if point and not decimals.strip("0"):
            number = _as_int(whole, length)
        elif (plain := _without_underscores(value)) is not None:
            number = _as_int(plain, length)
    if number is None:
        raise ValueError(value)
    return number


def to_bool(value):
    """true/false, 1/0 (as numbers or text), and t/f, y/n, yes/no, on/off in any case."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if value in (0, 1):
            return value == 1
        raise ValueError(value)
    if isinstance(value, str):
        spelling = value.lower() if value.isascii() else value
        if spelling in _TRUE:
            return True
        if spelling in _FALSE:
            return False
    raise ValueError(value)


def to_uuid(value):
    """A UUID as text: hyphenated, 32 hex digits, in braces or as `urn:uuid:`, in any case."""
    if isinstance(value, str) and _UUID.fullmatch(value):
        return uuid.UUID(value)
    raise ValueError(value)
