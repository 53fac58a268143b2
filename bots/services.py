"""Operations on bots. Each one changes the bot and writes its activity log row in one
transaction, with the legacy level and message text, and notifies Telegram after the commit.

State changes lock the bot row first (`select_for_update`), so concurrent start/stop/toggle
requests on one bot are serialised instead of overwriting each other from stale reads.
"""

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from bots.models import ActivityLog, Bot, BotStatus, LogLevel
from bots.telegram.notifications import notify
from scalper.legacy import cutover
from scalper.writes import save_changed_fields


def log_activity(level, message, bot_id=None):
    return ActivityLog.objects.create(level=level, message=message, bot_id=bot_id)


def _locked(bot):
    return Bot.objects.select_for_update().get(pk=bot.pk)


def _set_status(bot, status):
    # A bot already in that status is not written (its updated_at stays), as in legacy; the
    # caller still logs and notifies, as legacy did.
    save_changed_fields(bot, {"status": status})


def refuse_unreadable_exchange(exchange, bot=None):
    """During the dual run, refuse putting a bot (new, or `bot`) on an exchange the legacy API
    cannot show (cutover.DualRunRefusal). A bot already there may keep it."""
    if bot is None or exchange != bot.exchange:
        cutover.refuse_unreadable_exchange(exchange)


@transaction.atomic
def create_bot(**fields):
    refuse_unreadable_exchange(fields["exchange"])
    bot = Bot.objects.create(**{**fields, "status": BotStatus.ACTIVE})
    exchange = bot.get_exchange_display()
    log_activity(LogLevel.SUCCESS, f"Bot started for {bot.ticker} on {exchange}", bot.id)
    notify(
        LogLevel.SUCCESS,
        f"*Bot Created*\n\nTicker: {bot.ticker}\nExchange: {exchange}\n"
        f"Quantity: {bot.quantity}\nBuy Price: ${bot.buy_price}\nSell Price: ${bot.sell_price}",
    )
    return bot


@transaction.atomic
def update_bot(bot, **changes):
    """Apply `changes` (only the columns named: the others, `config` included, keep their
    stored value as it is).

    Values equal to the stored ones are not written, as in legacy, so a change that changes
    nothing keeps `updated_at`; it is logged all the same.
    """
    bot = _locked(bot)
    if "exchange" in changes:
        refuse_unreadable_exchange(changes["exchange"], bot)
    save_changed_fields(bot, changes)
    log_activity(
        LogLevel.INFO, f"Bot updated for {bot.ticker} on {bot.get_exchange_display()}", bot.id
    )
    return bot


@transaction.atomic
def start_bot(bot):
    bot = _locked(bot)
    _set_status(bot, BotStatus.ACTIVE)
    log_activity(LogLevel.SUCCESS, f"Bot started for {bot.ticker}", bot.id)
    notify(
        LogLevel.SUCCESS,
        f"*Bot Started*\n\nTicker: {bot.ticker}\nExchange: {bot.get_exchange_display()}\n"
        "Status: ACTIVE",
    )
    return bot


@transaction.atomic
def stop_bot(bot):
    bot = _locked(bot)
    _set_status(bot, BotStatus.STOPPED)
    log_activity(LogLevel.WARNING, f"Bot stopped for {bot.ticker}", bot.id)
    notify(
        LogLevel.WARNING,
        f"*Bot Stopped*\n\nTicker: {bot.ticker}\nExchange: {bot.get_exchange_display()}\n"
        "Status: STOPPED",
    )
    return bot


@transaction.atomic
def toggle_bot(bot):
    """ACTIVE becomes STOPPED; anything else (STOPPED, ERROR, unset) becomes ACTIVE."""
    bot = _locked(bot)
    if bot.status == BotStatus.ACTIVE:
        _set_status(bot, BotStatus.STOPPED)
        log_activity(LogLevel.WARNING, f"Bot stopped for {bot.ticker}", bot.id)
    else:
        _set_status(bot, BotStatus.ACTIVE)
        log_activity(LogLevel.SUCCESS, f"Bot active for {bot.ticker}", bot.id)
    return bot


@transaction.atomic
def delete_bot(bot):
    """Delete the bot and its orders; the log row keeps the bot's id (there is no foreign key)."""
    bot = _locked(bot)
    log_activity(LogLevel.WARNING, f"Bot deleted for {bot.ticker}", bot.id)
    bot.delete()
    notify(
        LogLevel.WARNING,
        f"*Bot Deleted*\n\nTicker: {bot.ticker}\nExchange: {bot.get_exchange_display()}",
    )


# Written once rather than built by the ORM: compiling the aggregate costs about as much as
# running it, and this summary is polled by the dashboard.
BOT_STATISTICS_SQL = f"""
    SELECT count(id), count(id) FILTER (WHERE status = %s), sum(pnl), sum(total_trades)
    FROM {Bot._meta.db_table}
"""


def bot_statistics():
    """Counts and sums over every bot, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(BOT_STATISTICS_SQL, [BotStatus.ACTIVE.value])
        total_bots, active_bots, total_pnl, total_trades = cursor.fetchone()
    return {
        "total_bots": total_bots,
        "active_bots": active_bots,
        "stopped_bots": total_bots - active_bots,
        "total_pnl": total_pnl or 0.0,
        "total_trades": total_trades or 0,
    }


@transaction.atomic
def stop_all_bots():
    """Stop every ACTIVE bot (ERROR bots are left alone); one log row, even when none was active."""
    count = Bot.objects.filter(status=BotStatus.ACTIVE).update(
        status=BotStatus.STOPPED, updated_at=timezone.now()
    )
    log_activity(LogLevel.ERROR, "Emergency stop - All bots stopped")
    notify(
        LogLevel.ERROR,
        f"*Emergency Stop*\n\nAll bots have been stopped!\nTotal bots stopped: {count}",
    )
    return count


def clear_activity_logs():
    """Delete every activity log entry; returns how many there were."""
    count, _ = ActivityLog.objects.all().delete()
    return count


def count_activity_logs():
    """The number of entries of each level and of all entries (TOTAL), in one query."""
    return ActivityLog.objects.aggregate(
        **{level: Count("id", filter=Q(level=level)) for level in LogLevel.values},
        TOTAL=Count("id"),
    )
