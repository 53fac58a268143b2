"""`migrate --fake-initial` adopts a legacy database without touching its rows."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError

from bots.models import ActivityLog, Bot, Trade
from bots.telegram.models import TelegramConnection
from exchanges.models import Exchange, ExchangeCredentials
from orders.models import Order
from scalper.legacy.models import AlembicVersion
from scalper.legacy.schema import LEGACY_TABLES
from tests.support.schemas import schema_of

ALL_LEGACY_TABLES = (*LEGACY_TABLES, "alembic_version")
LEGACY_MODELS = (Bot, ActivityLog, Trade, TelegramConnection, ExchangeCredentials, Order)
DJANGO_TABLES = (
    "django_migrations",
    "django_content_type",
    "auth_user",
    "django_session",
    "django_admin_log",
    "authtoken_token",
)


def snapshot(database):
    return {table: database.table_rows(table) for table in ALL_LEGACY_TABLES}


@pytest.fixture
def adopted_db(legacy_db):
    legacy_db.manage("migrate", "--fake-initial")
    return legacy_db


def test_fake_initial_records_the_initial_migrations_without_running_them(legacy_db):
    rows_before, schema_before = snapshot(legacy_db), schema_of(legacy_db)

    result = legacy_db.manage("migrate", "--fake-initial")

    for app in ("bots", "exchanges", "orders"):
        assert f"Applying {app}.0001_initial... FAKED" in result.stdout
    applied = legacy_db.query(
        "SELECT app, name FROM django_migrations WHERE app IN ('bots', 'exchanges', 'orders')"
    )
    assert sorted(applied) == [
        ("bots", "0001_initial"),
        ("exchanges", "0001_initial"),
        ("orders", "0001_initial"),
    ]
    tables = {row[0] for row in legacy_db.query("SELECT tablename FROM pg_tables")}
    assert set(DJANGO_TABLES) <= tables
    assert snapshot(legacy_db) == rows_before
    assert schema_of(legacy_db) == schema_before
    assert legacy_db.query("SELECT version_num FROM alembic_version") == [("fef8185d3887",)]


def raw_rows(database, model):
    columns = [field.column for field in model._meta.concrete_fields]
    quoted = ", ".join(f'"{column}"' for column in columns)
    rows = database.query(f'SELECT {quoted} FROM "{model._meta.db_table}"')
    return {row[0]: dict(zip(columns, row, strict=True)) for row in rows}


@pytest.mark.parametrize("model", LEGACY_MODELS, ids=lambda model: model.__name__)
def test_the_orm_reads_every_legacy_row_as_stored(adopted_db, model):
    stored = raw_rows(adopted_db, model)
    loaded = list(model.objects.using(adopted_db.alias).all())

    assert len(loaded) == len(stored) > 0
    for instance in loaded:
        row = stored[instance.pk]
        for field in model._meta.concrete_fields:
            assert getattr(instance, field.attname) == row[field.column], (
                f"{model.__name__} {instance.pk} {field.name}"
            )


def test_legacy_values_come_back_with_their_python_types(adopted_db):
    using = adopted_db.alias
    bots = Bot.objects.using(using)

    assert {bot.exchange for bot in bots} == set(Exchange.values)
    coindcx = bots.filter(exchange=Exchange.COINDCX_F).first()
    assert coindcx.get_exchange_display() == "CoinDCX F"
    assert all(
        bot.created_at.tzinfo is not None and bot.created_at.utcoffset() == datetime.timedelta(0)
        for bot in bots
    )
    configs = [bot.config for bot in bots]
    assert any(isinstance(config, dict) for config in configs)
    assert any(isinstance(config, list) for config in configs)
    assert None in configs
    assert bots.filter(status__isnull=True).exists()
    extra = [log.extra_data for log in ActivityLog.objects.using(using)]
    assert any(isinstance(value, dict) for value in extra) and None in extra
    assert AlembicVersion.objects.using(using).get().version_num == "fef8185d3887"


def test_json_key_lookups_work_on_legacy_json_columns(adopted_db):
    using = adopted_db.alias
    with_config = [bot for bot in Bot.objects.using(using) if isinstance(bot.config, dict)]
    key, value = next(
        (k, v) for bot in with_config for k, v in bot.config.items() if isinstance(v, str | int)
    )

    found = Bot.objects.using(using).filter(**{f"config__{key}": value})

    assert found.exists()
    assert all(bot.config.get(key) == value for bot in found)
    assert Bot.objects.using(using).filter(config__has_key=key).count() >= found.count()


def test_new_rows_written_by_the_orm_are_what_the_legacy_schema_expects(adopted_db):
    using = adopted_db.alias
    config = {"strategy": "grid", "levels": [1, 2.5, None], "note": "ünïcode ✓"}
    bot = Bot(
        ticker="ADA/USDT",
        exchange=Exchange.DELTA,
        first_order="SELL",
        quantity=10,
        buy_price=0.3,
        sell_price=0.35,
        status="ACTIVE",
        config=config,
    )
    bot.save(using=using)
    order = Order(
        bot=bot,
        exchange="Delta",
        ticker="ADA/USDT",
        side="SELL",
        order_type="LIMIT",
        quantity=10,
        price=0.35,
        extra_data=[1, "two"],
    )
    order.save(using=using)

    (row,) = adopted_db.query(
        "SELECT exchange::text, status::text, config::text, created_at = updated_at, "
        "created_at IS NOT NULL FROM bots WHERE id = %s",
        [bot.id],
    )
    assert row[:2] == ("DELTA", "ACTIVE")
    assert (
        row[2]
        == '{"strategy": "grid", "levels": [1, 2.5, null], "note": "\\u00fcn\\u00efcode \\u2713"}'
    )
    assert row[3] is True and row[4] is True
    assert adopted_db.query(
        "SELECT status::text, extra_data::text FROM orders WHERE id = %s", [order.id]
    ) == [("PENDING", '[1, "two"]')]

    created_at = Bot.objects.using(using).get(pk=bot.pk).created_at
    bot.sell_price = 0.4
    bot.save(using=using, update_fields=["sell_price"])
    reloaded = Bot.objects.using(using).get(pk=bot.pk)
    assert reloaded.created_at == created_at < reloaded.updated_at


def test_deleting_a_bot_deletes_its_orders_in_the_same_transaction(adopted_db):
    using = adopted_db.alias
    # Not .distinct(): PostgreSQL has no equality operator for `json` columns.
    bot = Bot.objects.using(using).filter(id__in=Order.objects.values("bot_id")).first()
    order_ids = list(bot.orders.values_list("id", flat=True))
    assert order_ids

    bot.delete()

    assert not Order.objects.using(using).filter(id__in=order_ids).exists()
    assert not Bot.objects.using(using).filter(pk=bot.pk).exists()


def test_an_order_for_a_missing_bot_is_refused_by_orders_bot_id_fkey(adopted_db):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError, match="orders_bot_id_fkey"):
        Order.objects.using(adopted_db.alias).create(
            bot_id=uuid.uuid4(),
            exchange="Binance",
            ticker="BTC/USDT",
            side="BUY",
            order_type="MARKET",
            quantity=1,
        )


def test_an_enum_value_the_database_does_not_know_is_a_validation_error():
    bot = Bot(
        ticker="ETH/USDT",
        exchange="KRAKEN",
        first_order="BUY",
        quantity=1,
        buy_price=1,
        sell_price=2,
    )

    with pytest.raises(ValidationError) as error:
        bot.clean_fields()

    assert "exchange" in error.value.message_dict


def test_alembic_version_is_read_only():
    with pytest.raises(TypeError, match="read-only"):
        AlembicVersion(version_num="abc").save()
