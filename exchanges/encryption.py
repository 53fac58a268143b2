"""Encryption of exchange secrets with Fernet.

`CREDENTIALS_KEYS` lists Fernet keys: the first encrypts, every one decrypts (MultiFernet), so a
new key can be put first and old rows re-encrypted with `manage.py rotate_credentials_keys`.
Rows written by the legacy backend were encrypted with the URL-safe base64 of SHA-256 of its
SECRET_KEY; `LEGACY_SECRET_KEY` keeps them decrypting.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(ValueError):
    """A stored secret could not be decrypted with any configured key."""


def legacy_key(secret_key):
    """The Fernet key the legacy backend derived from its SECRET_KEY."""
    return base64.urlsafe_b64encode(hashlib.sha256(secret_key.encode()).digest())


def _fernet():
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
    return MultiFernet(fernets)


def encrypt(plaintext):
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token):
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise DecryptionError(
            "The stored secret cannot be decrypted with CREDENTIALS_KEYS or LEGACY_SECRET_KEY."
        ) from None


def reencrypt(token):
    """`token` encrypted with the current first key (unchanged plaintext)."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise DecryptionError(
            "The stored secret cannot be decrypted with CREDENTIALS_KEYS or LEGACY_SECRET_KEY."
        ) from None
