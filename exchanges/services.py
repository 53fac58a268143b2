"""Operations on exchange credentials.

Secrets arrive in plain text and are stored encrypted (exchanges/encryption.py); decrypted, they
go only to the exchange adapter. At most one set of credentials is active per exchange and network
(testnet or mainnet): every change that could activate a second one takes a transaction-scoped
lock on that exchange and network first, so concurrent requests cannot both pass the check.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from exchanges import adapters, encryption
from exchanges.models import ExchangeCredentials
from scalper.exceptions import Invalid, NotFound
from scalper.legacy import cutover
from scalper.locks import transaction_lock
from scalper.writes import save_changed_fields

SECRETS = ("api_key", "secret_key", "passphrase")
REJECTED = "Validation failed - check your API keys"


class DuplicateActiveCredentials(Invalid):
    """Other credentials are active on this exchange and network (the legacy API's 400)."""


class ValidationImpossible(Invalid):
    """The keys could not be checked (no adapter, undecryptable secrets)."""


@dataclass(frozen=True)
class ValidationResult:
    success: bool
    message: str
    validated_at: datetime | None


def network(is_testnet):
    return "testnet" if is_testnet else "mainnet"


def refuse_second_active(exchange, is_testnet, shown_exchange, exclude_pk=None):
    """Raise DuplicateActiveCredentials if another row is active on this exchange and network.

    Call it inside the transaction that saves the row: the lock it takes lasts until then.
    """
    # Serialises the activations on one exchange and network, a concurrent create included.
    transaction_lock(f"exchange_credentials:{exchange}:{network(is_testnet)}")
    active = ExchangeCredentials.objects.filter(
        exchange=exchange, is_testnet=is_testnet, is_active=True
    ).exclude(pk=exclude_pk)
    if active.exists():
        raise DuplicateActiveCredentials(
            f"Active credentials already exist for {shown_exchange} ({network(is_testnet)})"
        )


def refuse_second_row(exchange, is_testnet, shown_exchange, exclude_pk=None):
    """During the dual run, raise DualRunRefusal if another row has this exchange and network.

    Call it inside the transaction that saves the row: the lock it takes lasts until then.
    """
    transaction_lock(f"exchange_credentials:{exchange}:{network(is_testnet)}")
    others = ExchangeCredentials.objects.filter(exchange=exchange, is_testnet=is_testnet)
    cutover.refuse_second_credentials(
        others.exclude(pk=exclude_pk).exists(), shown_exchange, network(is_testnet)
    )


def writing_key():
    """The Fernet key new secrets are encrypted with, and that holds until the transaction ends:
    the legacy key during the dual run (so the legacy backend reads them), else None (the first
    key of CREDENTIALS_KEYS)."""
    return cutover.legacy_fernet_key() if cutover.is_dual_run(hold=True) else None


def _encrypted(secrets, key):
    """`{name}_encrypted` columns for the given plaintext secrets, encrypted with `key`.

    An empty secret is stored as the legacy API stored it: NULL where the column allows it (the
    passphrase), "" otherwise (the keys).
    """
    columns = {}
    for name, value in secrets.items():
        column = f"{name}_encrypted"
        if value:
            columns[column] = encryption.encrypt(value, key)
        else:
            columns[column] = None if ExchangeCredentials._meta.get_field(column).null else ""
    return columns


def _locked(credentials):
    try:
        return ExchangeCredentials.objects.select_for_update().get(pk=credentials.pk)
    except ExchangeCredentials.DoesNotExist:
        raise NotFound("Credentials not found") from None  # deleted meanwhile


@transaction.atomic
def create_credentials(
    *, exchange, api_key, secret_key, passphrase=None, inactive_beside_active=False, **fields
):
    """Store new credentials; `exchange` is stored lower-case, as the legacy API did.

    Refused while active credentials exist on the exchange and network: new active ones always,
    new inactive ones too (the legacy API refused every create then) unless
    `inactive_beside_active` (the admin lets operators park new keys beside the active ones).
    """
    stored_exchange = exchange.lower()
    fields.setdefault("is_testnet", True)
    fields.setdefault("is_active", True)
    if fields["is_active"] or not inactive_beside_active:
        refuse_second_active(stored_exchange, fields["is_testnet"], shown_exchange=exchange)
    refuse_second_row(stored_exchange, fields["is_testnet"], shown_exchange=exchange)
    return ExchangeCredentials.objects.create(
        exchange=stored_exchange,
        is_validated=False,
        **fields,
        **_encrypted(
            {"api_key": api_key, "secret_key": secret_key, "passphrase": passphrase},
            writing_key(),
        ),
    )


@transaction.atomic
def update_credentials(credentials, *, reencrypt_kept_secrets=False, **changes):
    """Apply `changes`; new secrets are encrypted and reset the validation, as legacy.

    Values equal to the stored ones are not written, as in legacy, so a change that changes
    nothing keeps `updated_at`. Secrets are encrypted with `writing_key()`. With
    `reencrypt_kept_secrets` (the admin's saves), the secrets not replaced move to that key too
    (they must decrypt).
    """
    credentials = _locked(credentials)
    secrets = {name: changes.pop(name) for name in SECRETS if name in changes}
    key = writing_key() if secrets or reencrypt_kept_secrets else None
    if reencrypt_kept_secrets:
        for name in SECRETS:
            if name not in secrets:
                column = f"{name}_encrypted"
                changes[column] = encryption.reencrypt(getattr(credentials, column), key)
    is_active = changes.get("is_active", credentials.is_active)
    is_testnet = changes.get("is_testnet", credentials.is_testnet)
    activates = is_active and (not credentials.is_active or is_testnet != credentials.is_testnet)
    if activates:
        refuse_second_active(
            credentials.exchange, is_testnet, credentials.exchange, exclude_pk=credentials.pk
        )
    if is_testnet != credentials.is_testnet:
        refuse_second_row(
            credentials.exchange, is_testnet, credentials.exchange, exclude_pk=credentials.pk
        )
    changes.update(_encrypted(secrets, key))
    if secrets:
        changes.update(is_validated=False, validation_error=None)
    save_changed_fields(credentials, changes)
    return credentials


@transaction.atomic
def toggle_credentials(credentials):
    credentials = _locked(credentials)
    if not credentials.is_active:
        refuse_second_active(
            credentials.exchange,
            credentials.is_testnet,
            credentials.exchange,
            exclude_pk=credentials.pk,
        )
    credentials.is_active = not credentials.is_active
    credentials.save(update_fields=["is_active"])
    return credentials


@transaction.atomic
def _record_validation(credentials, **outcome):
    """Store the outcome unless the keys were replaced (or the row deleted) meanwhile."""
    current = ExchangeCredentials.objects.select_for_update().filter(pk=credentials.pk).first()
    if current is None or (current.api_key_encrypted, current.secret_key_encrypted) != (
        credentials.api_key_encrypted,
        credentials.secret_key_encrypted,
    ):
        return
    for name, value in outcome.items():
        setattr(current, name, value)
    current.save(update_fields=list(outcome))


def validate_credentials(credentials):
    """Ask the exchange whether the keys work, and record the answer on the row.

    The exchange is called outside any transaction, so no lock is held while it answers.
    When the keys cannot be checked at all, the reason is recorded and raised.
    """
    try:
        adapter = adapters.adapter_for(credentials.exchange)(
            api_key=encryption.decrypt(credentials.api_key_encrypted),
            secret_key=encryption.decrypt(credentials.secret_key_encrypted),
            testnet=bool(credentials.is_testnet),
        )
        valid = adapter.validate_credentials()
    except (adapters.NoAdapter, encryption.DecryptionError, adapters.ExchangeUnavailable) as error:
        _record_validation(credentials, is_validated=False, validation_error=str(error))
        failure = (
            adapters.ExchangeUnavailable
            if isinstance(error, adapters.ExchangeUnavailable)
            else ValidationImpossible
        )
        raise failure(f"Failed to validate credentials: {error}") from None
    if not valid:
        _record_validation(credentials, is_validated=False, validation_error=REJECTED)
        return ValidationResult(
            False, "Credentials validation failed - please check your API keys", None
        )
    validated_at = timezone.now()
    _record_validation(
        credentials, is_validated=True, last_validated_at=validated_at, validation_error=None
    )
    return ValidationResult(True, "Credentials validated successfully", validated_at)


class UndecryptableCredentials(Exception):
    def __init__(self, ids):
        self.ids = ids
        super().__init__(
            f"No configured key decrypts credentials {', '.join(map(str, ids))}; nothing was "
            "changed. Add the key that encrypted them to CREDENTIALS_KEYS (after the first) "
            "or set LEGACY_SECRET_KEY, then run again."
        )


@dataclass(frozen=True)
class RotationReport:
    total: int
    changed: int


def rotate_keys(dry_run=False, using=DEFAULT_DB_ALIAS):
    """Re-encrypt every row's secrets with the first key of CREDENTIALS_KEYS, all or nothing.

    Refused during the dual run (DualRunRefusal): the secrets stay under the legacy key then.
    """
    with transaction.atomic(using=using):
        cutover.refuse_rotation(using)
        return reencrypt_all(dry_run=dry_run, using=using)


def reencrypt_all(key=None, dry_run=False, using=DEFAULT_DB_ALIAS):
    """Re-encrypt every row's secrets with Fernet key `key` (by default the first key of
    CREDENTIALS_KEYS), all or nothing.

    Rows whose secrets already use that key are left as they are. `updated_at` is not touched:
    the credentials themselves do not change.
    """
    columns = [f"{name}_encrypted" for name in SECRETS]
    credentials = ExchangeCredentials.objects.using(using)
    with transaction.atomic(using=using):
        rows = list(credentials.select_for_update().only("pk", *columns))
        changed, undecryptable = [], []
        for row in rows:
            try:
                tokens = {
                    column: encryption.reencrypt(getattr(row, column), key) for column in columns
                }
            except encryption.DecryptionError:
                undecryptable.append(row.pk)
                continue
            if any(getattr(row, column) != token for column, token in tokens.items()):
                for column, token in tokens.items():
                    setattr(row, column, token)
                changed.append(row)
        if undecryptable:
            raise UndecryptableCredentials(sorted(undecryptable))
        if not dry_run:
            credentials.bulk_update(changed, columns)
    return RotationReport(total=len(rows), changed=len(changed))
