"""Encryption of exchange secrets with Fernet.

`CREDENTIALS_KEYS` lists Fernet keys: the first encrypts, every one decrypts (MultiFernet), so a
new key can be put first and old rows re-encrypted with `manage.py rotate_credentials_keys`.
Rows written by the legacy backend were encrypted with the URL-safe base64 of SHA-256 of its
SECRET_KEY; `LEGACY_SECRET_KEY` keeps them decrypting.

An empty stored value is an empty secret, as in the legacy backend (it stored "" for "").
"""

import base64
import hashlib
import math

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

UNDECRYPTABLE = "The stored secret cannot be decrypted with CREDENTIALS_KEYS or LEGACY_SECRET_KEY."


class DecryptionError(ValueError):
    """A stored secret could not be decrypted with any configured key."""


def legacy_key(secret_key):
    """The Fernet key the legacy backend derived from its SECRET_KEY."""
    return base64.urlsafe_b64encode(hashlib.sha256(secret_key.encode()).digest())


def token_length(plaintext_bytes):
    """Length of the Fernet token of a plaintext of `plaintext_bytes` bytes.

    version (1) + timestamp (8) + IV (16) + AES-CBC ciphertext (PKCS7-padded) + HMAC (32),
    URL-safe base64 with padding.
    """
    ciphertext = (plaintext_bytes // 16 + 1) * 16
    return 4 * math.ceil((1 + 8 + 16 + ciphertext + 32) / 3)


def max_plaintext_bytes(column_length):
    """The longest plaintext (in UTF-8 bytes) whose token fits a column of `column_length`."""
    return max(n for n in range(column_length) if token_length(n) <= column_length)


def _fernets():
    keys = [key.strip() for key in settings.CREDENTIALS_KEYS if key.strip()]
    if not keys:
        raise ImproperlyConfigured(
            "CREDENTIALS_KEYS is empty: set at least one Fernet key to store exchange credentials."
        )
    try:
        fernets = [Fernet(key) for key in keys]
    except ValueError as error:
        raise ImproperlyConfigured(
            "CREDENTIALS_KEYS must hold URL-safe base64 Fernet keys (32 bytes each)."
        ) from error
    if settings.LEGACY_SECRET_KEY:
        fernets.append(Fernet(legacy_key(settings.LEGACY_SECRET_KEY)))
    return fernets


def check_keys():
    """Raise ImproperlyConfigured (saying what to set) unless CREDENTIALS_KEYS can encrypt."""
    _fernets()


def _writer(key):
    return Fernet(key) if key else _fernets()[0]


def encrypt(plaintext, key=None):
    """`plaintext` encrypted with `key`, by default the first key of CREDENTIALS_KEYS."""
    return _writer(key).encrypt(plaintext.encode()).decode()


def decrypt(token):
    if not token:
        return ""
    try:
        return MultiFernet(_fernets()).decrypt(token.encode()).decode()
    except InvalidToken:
        raise DecryptionError(UNDECRYPTABLE) from None


def reencrypt(token, key=None):
    """`token` encrypted with `key` (by default the first key of CREDENTIALS_KEYS): the same
    token if it already is."""
    if not token:
        return token
    writer = _writer(key)
    try:
        writer.decrypt(token.encode())
        return token
    except InvalidToken:
        pass
    try:
        return MultiFernet([writer, *_fernets()]).rotate(token.encode()).decode()
    except InvalidToken:
        raise DecryptionError(UNDECRYPTABLE) from None


def is_under(token, key):
    """Whether `token` (empty counts as readable) decrypts with Fernet key `key`."""
    if not token:
        return True
    try:
        Fernet(key).decrypt(token.encode())
    except InvalidToken:
        return False
    return True
