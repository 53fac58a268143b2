"""The dual run: the legacy backend and this app on one database, until `cutover finish`.

While it lasts, what this app writes stays readable by the legacy backend, so that the switch can
be undone at any moment by sending the traffic back to it:

- secrets are encrypted with the legacy key (`encryption.legacy_key(LEGACY_SECRET_KEY)`);
- a write the legacy API could not show afterwards is refused (`DualRunRefusal`, a 400 that says
  why and what to do): see the `refuse_*` functions, called by the services.

The state is one row (`CutoverState`), so every instance agrees. Writes whose result depends on
it (the key a secret is encrypted with) read it under a shared advisory lock; `finish` takes the
lock exclusively, so it waits for them and none of them runs with a stale state.
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from exchanges.encryption import legacy_key
from exchanges.models import Exchange
from scalper.exceptions import Invalid
from scalper.legacy.models import CutoverState
from scalper.locks import transaction_lock

LOCK = "scalper:cutover"
FINISH = "`python manage.py cutover finish`"
# The exchanges the legacy API's schemas know (stored names); a bot on another one makes every
# legacy request that shows it fail, the dashboard's GET /api/v1/bots/ included.
LEGACY_EXCHANGES = {"COINDCX_F": "CoinDCX F", "BINANCE": "Binance"}


class DualRunRefusal(Invalid):
    """A write the legacy backend could not read back, refused while it shares the database
    (a 400 from the API; its text says why and what to do)."""


def is_dual_run(using=DEFAULT_DB_ALIAS, *, hold=False):
    """Whether the dual run is on. `hold`: keep it so until the current transaction ends."""
    if hold:
        transaction_lock(LOCK, shared=True, using=using)
    return CutoverState.objects.using(using).filter(dual_run=True).exists()


def state(using=DEFAULT_DB_ALIAS):
    return CutoverState.objects.using(using).filter(pk=1).first()


def refuse_unreadable_exchange(exchange, using=DEFAULT_DB_ALIAS):
    """Refuse a bot on an exchange the legacy API cannot show, during the dual run."""
    if exchange in LEGACY_EXCHANGES or not is_dual_run(using):
        return
    shown = Exchange(exchange).label if exchange in Exchange.values else exchange
    raise DualRunRefusal(
        f"Bots on {shown} are not accepted during the dual run: the legacy backend shares this "
        f"database and its API knows only {' and '.join(LEGACY_EXCHANGES.values())}, so one bot "
        f"on {shown} would make its GET /api/v1/bots/ fail for everyone. Choose "
        f"{' or '.join(LEGACY_EXCHANGES.values())}, or end the dual run with {FINISH} once "
        "the legacy backend is stopped."
    )


def refuse_second_credentials(exists, exchange, network, using=DEFAULT_DB_ALIAS):
    """Refuse a second row for one exchange and network, during the dual run (`exists`: one
    is already stored)."""
    if not exists or not is_dual_run(using):
        return
    raise DualRunRefusal(
        f"Credentials for {exchange} ({network}) are already stored. During the dual run only one "
        "set per exchange and network is accepted: the legacy backend shares this database and "
        "its POST /api/v1/credentials/ fails when it finds two. Change the stored ones instead "
        f"(PUT /api/v1/credentials/{{id}}), delete them first, or end the dual run with {FINISH}."
    )


def refuse_second_telegram_chat(active_elsewhere, using=DEFAULT_DB_ALIAS):
    """Refuse a second active Telegram connection, during the dual run."""
    if not active_elsewhere or not is_dual_run(using):
        return
    raise DualRunRefusal(
        "Another Telegram chat is connected. During the dual run only one can be: the legacy "
        "backend shares this database and its GET /api/v1/telegram/status fails when two are. "
        "Disconnect the other chat first (Disconnect in the dashboard, or /disconnect in that "
        "chat)."
    )


def legacy_fernet_key():
    """The key the legacy backend encrypts with; an error that says what to set without it."""
    if not settings.LEGACY_SECRET_KEY:
        raise DualRunRefusal(
            "Credentials cannot be stored during the dual run: LEGACY_SECRET_KEY is not set. Set "
            "it to the legacy backend's SECRET_KEY, so that both can read what this app stores, "
            f"or end the dual run with {FINISH}."
        )
    return legacy_key(settings.LEGACY_SECRET_KEY)


def refuse_rotation(using=DEFAULT_DB_ALIAS):
    if is_dual_run(using, hold=True):
        raise DualRunRefusal(
            "Not rotated: the dual run is on, so credentials stay encrypted with the legacy key "
            "(from LEGACY_SECRET_KEY) for the legacy backend that shares this database. End the "
            f"dual run with {FINISH}, which re-encrypts them with CREDENTIALS_KEYS; rotate after."
        )


class ResumeRefused(Exception):
    """The database holds rows the legacy backend could not read (`findings`)."""

    def __init__(self, findings):
        self.findings = findings
        super().__init__(
            f"Not resumed, nothing was changed: the legacy backend could not read "
            f"{sum(finding.count for finding in findings)} rows (listed by `cutover status`). "
            "Fix them first (move bots to CoinDCX F or Binance or delete them, keep one set of "
            "credentials per exchange and network and one active Telegram chat), then run again."
        )


def _switch(dual_run, using, key=None, check=None):
    """Set the state and re-encrypt every secret with `key`, in one transaction under the lock.

    Returns (changed_now, re-encryption report). Run again, it changes no state but re-encrypts
    what was written since under another key.
    """
    from exchanges.services import reencrypt_all

    with transaction.atomic(using=using):
        transaction_lock(LOCK, using=using)
        current = CutoverState.objects.using(using).select_for_update().get(pk=1)
        changed_now = current.dual_run != dual_run
        if check and changed_now:
            check()
        if changed_now:
            current.dual_run = dual_run
            current.finished_at = None if dual_run else timezone.now()
            current.save(using=using)
        report = reencrypt_all(key=key() if key else None, using=using)
    return changed_now, report


def finish(using=DEFAULT_DB_ALIAS):
    """End the dual run and re-encrypt every secret with CREDENTIALS_KEYS, in one transaction."""
    return _switch(False, using)


def resume(using=DEFAULT_DB_ALIAS):
    """Back to the dual run (the way back after `finish`): refused while the database holds rows
    the legacy backend could not read (ResumeRefused); secrets go back under the legacy key."""
    from scalper.legacy.readability import unreadable_rows

    def check():
        findings = unreadable_rows(using)
        if findings:
            raise ResumeRefused(findings)

    return _switch(True, using, key=legacy_fernet_key, check=check)
