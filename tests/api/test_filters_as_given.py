"""Filter values are compared as given, spaces included, as the legacy API compared them."""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django_filters import filters

from scalper.api.filters import BooleanFilter, IsoDateTimeFilter, TextFilter, UUIDFilter
from tests.support.factories import (
    ActivityLogFactory,
    BotFactory,
    ExchangeCredentialsFactory,
    OrderFactory,
    TradeFactory,
)

# A valid value for each kind of filter the API uses; a new kind must be added here.
SAMPLES = {
    TextFilter: "ETH/USDT",
    UUIDFilter: "12345678-1234-5678-1234-567812345678",
    BooleanFilter: "true",
    IsoDateTimeFilter: "2025-10-01T09:00:00Z",
    filters.ChoiceFilter: None,  # its first choice
}


def _patterns(resolver):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern)
        elif isinstance(pattern, URLPattern):
            yield pattern


def api_filtersets():
    """Every FilterSet an API view or view action uses."""
    found = set()
    for pattern in _patterns(get_resolver()):
        view = getattr(pattern.callback, "cls", None)
        initkwargs = getattr(pattern.callback, "initkwargs", {}) or {}
        filterset = initkwargs.get("filterset_class", getattr(view, "filterset_class", None))
        if filterset is not None:
            found.add(filterset)
    return sorted(found, key=lambda filterset: filterset.__name__)


def sample(filter_):
    for kind, value in SAMPLES.items():
        if isinstance(filter_, kind):
            return value if value is not None else filter_.extra["choices"][0][0]
    raise AssertionError(f"{type(filter_).__name__}: no sample value in SAMPLES; add one")


def test_every_list_endpoint_with_filters_is_checked():
    names = {filterset.__name__ for filterset in api_filtersets()}

    assert names >= {
        "BotFilter",
        "ActivityLogFilter",
        "TradeFilter",
        "OrderFilter",
        "OrderHistoryFilter",
        "ExchangeCredentialsFilter",
    }


@pytest.mark.parametrize("filterset", api_filtersets(), ids=lambda filterset: filterset.__name__)
def test_no_filter_of_any_endpoint_strips_the_spaces_around_a_value(filterset):
    for name, filter_ in filterset.base_filters.items():
        value = sample(filter_)
        for spaced in (f" {value}", f"{value} ", f"\t{value}\n"):
            form = filterset(data={name: spaced}).form

            if form.is_valid():
                assert form.cleaned_data[name] == spaced, f"{filterset.__name__}.{name}"


@pytest.mark.django_db
def test_a_level_with_spaces_finds_no_entry_and_is_counted_as_given(api_client):
    ActivityLogFactory(level="INFO")

    listed = api_client.get("/api/v1/logs/", {"level": " INFO"})
    counted = api_client.get("/api/v1/logs/count", {"level": "INFO "})

    assert (listed.status_code, listed.json()) == (200, [])
    assert counted.json() == {"level": "INFO ", "count": 0}
    assert api_client.get("/api/v1/logs/count", {"level": "INFO"}).json()["count"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "parameter"),
    [("/api/v1/orders/", "ticker"), ("/api/v1/orders/", "exchange"), ("/api/v1/trades/", "symbol")],
)
def test_a_text_filter_with_spaces_finds_nothing(api_client, path, parameter):
    OrderFactory(ticker="ETH/USDT", exchange="coindcx")
    TradeFactory(symbol="ETH/USDT")
    exact = {"ticker": "ETH/USDT", "exchange": "coindcx", "symbol": "ETH/USDT"}[parameter]

    assert len(api_client.get(path, {parameter: exact}).json()) == 1
    assert api_client.get(path, {parameter: f" {exact}"}).json() == []
    assert api_client.get(path, {parameter: f"{exact} "}).json() == []


@pytest.mark.django_db
def test_a_credentials_exchange_with_spaces_finds_nothing(api_client):
    ExchangeCredentialsFactory(exchange="coindcx")

    assert len(api_client.get("/api/v1/credentials/", {"exchange": "CoinDCX"}).json()) == 1
    assert api_client.get("/api/v1/credentials/", {"exchange": " coindcx"}).json() == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/logs/", "/api/v1/orders/", "/api/v1/trades/"])
def test_a_bot_id_with_spaces_is_a_400_as_the_legacy_refused_it(api_client, path):
    bot = BotFactory()

    response = api_client.get(path, {"bot_id": f" {bot.id}"})

    assert response.status_code == 400
    assert response.json()["detail"].startswith("bot_id: ")


@pytest.mark.django_db
def test_a_time_with_spaces_is_a_400_not_read_as_the_time(api_client):
    response = api_client.get("/api/v1/trades/", {"executed_after": " 2025-10-01T09:00:00Z"})

    assert response.status_code == 400
    assert response.json()["detail"].startswith("executed_after: ")


@pytest.mark.django_db
def test_an_uppercase_or_braced_bot_id_filters_as_the_legacy_read_it(api_client):
    bot_id = uuid.uuid4()
    ActivityLogFactory(bot_id=bot_id)

    for spelling in (str(bot_id).upper(), f"{{{bot_id}}}", bot_id.hex, f"urn:uuid:{bot_id}"):
        response = api_client.get("/api/v1/logs/", {"bot_id": spelling})
        assert [row["bot_id"] for row in response.json()] == [str(bot_id)], spelling
