"""Row lists read with SQL compiled once (scalper/api/rows.py) answer what the ORM answers."""

import itertools
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import QueryDict
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from bots.filters import ActivityLogFilter, BotFilter, TradeFilter
from bots.models import BotStatus
from bots.views.activity_logs import ActivityLogViewSet
from bots.views.bots import BotViewSet
from orders.filters import OrderFilter, OrderHistoryFilter
from orders.models import OrderStatus
from orders.views import OrderViewSet
from scalper.api.rows import filter_values
from tests.support.factories import ActivityLogFactory, BotFactory, OrderFactory

WINDOWS = [(0, 100), (0, 3), (2, 3), (5, 0), (50, 10)]


@pytest.fixture
def rows_of_every_kind():
    bots = [BotFactory(status=status) for status in (*BotStatus.values, BotStatus.ACTIVE)]
    for index, bot in enumerate(bots):
        ActivityLogFactory(bot_id=bot.id, level="INFO" if index % 2 else "ERROR")
        OrderFactory(bot=bot, status=OrderStatus.FILLED, side="SELL", extra_data={"n": index})
        OrderFactory(bot=bot, ticker="BTC/USDT", exchange="Binance")
    ActivityLogFactory(bot_id=None, level="INFO")
    return bots


def every_combination(values):
    for size in range(len(values) + 1):
        for names in itertools.combinations(sorted(values), size):
            yield {name: values[name] for name in names}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("view", "values_of"),
    [
        (BotViewSet, lambda bots: {"status": BotStatus.ACTIVE}),
        (ActivityLogViewSet, lambda bots: {"level": "INFO", "bot_id": bots[1].id}),
        (
            OrderViewSet,
            lambda bots: {
                "bot_id": bots[0].id,
                "status": OrderStatus.FILLED,
                "side": "SELL",
                "ticker": "BTC/USDT",
                "exchange": "Binance",
            },
        ),
    ],
    ids=["bots", "activity_logs", "orders"],
)
def test_every_page_of_every_filter_combination_is_what_the_orm_selects(
    rows_of_every_kind, view, values_of
):
    rows = view.list_rows
    for equal_to in every_combination(values_of(rows_of_every_kind)):
        for skip, limit in WINDOWS:
            expected = list(rows.all().filter(**equal_to)[skip : skip + limit])

            assert rows.page(equal_to, skip=skip, limit=limit) == expected, (equal_to, skip)


@pytest.mark.django_db
def test_a_value_that_matches_nothing_gives_an_empty_page(rows_of_every_kind):
    assert OrderViewSet.list_rows.page({"bot_id": uuid.uuid4()}, limit=100) == []


def django_filter_error(filterset_class, query):
    """The 400 django-filter's own backend gives for `query`."""
    view = type("View", (), {"filterset_class": filterset_class})()
    request = Request(APIRequestFactory().get("/", query))
    with pytest.raises(ValidationError) as raised:
        DjangoFilterBackend().filter_queryset(request, filterset_class.Meta.model.objects, view)
    return raised.value.detail


@pytest.mark.parametrize(
    ("filterset_class", "query"),
    [
        (BotFilter, "status=NOPE"),
        (ActivityLogFilter, "bot_id=not-a-uuid&level=INFO"),
        (OrderFilter, "side=UP&status=DONE&bot_id=%20" + str(uuid.UUID(int=1))),
        (OrderHistoryFilter, "status=active"),
    ],
)
def test_a_bad_filter_value_is_the_400_django_filter_gives(filterset_class, query):
    with pytest.raises(ValidationError) as raised:
        filter_values(filterset_class, QueryDict(query))

    assert raised.value.detail == django_filter_error(filterset_class, QueryDict(query))


def test_the_values_are_those_django_filter_cleans():
    bot_id = uuid.uuid4()
    query = QueryDict(f"bot_id={str(bot_id).upper()}&status=FILLED&ticker=&side=BUY&other=1")

    cleaned = {"bot_id": bot_id, "status": "FILLED", "side": "BUY"}
    assert filter_values(OrderFilter, query) == cleaned


def test_a_filterset_with_a_filter_other_than_equality_is_refused_by_name():
    with pytest.raises(ImproperlyConfigured, match=r"TradeFilter\.executed_after"):
        filter_values(TradeFilter, QueryDict(""))
