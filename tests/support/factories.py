"""factory_boy factories for the legacy models, with realistic values."""

import factory
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from bots.models import ActivityLog, Bot, BotStatus, LogLevel, Trade
from bots.telegram.models import TelegramConnection
from exchanges import encryption
from exchanges.models import Exchange, ExchangeCredentials
from orders.models import Order, OrderStatus, OrderType


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"operator{n}")
    password = factory.django.Password("correct horse battery staple")


class TokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Token

    user = factory.SubFactory(UserFactory)


class BotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bot

    ticker = factory.Iterator(["ETH/USDT", "BTC/USDT", "SOL/USDT", "DOGE/USDT"])
    exchange = Exchange.COINDCX_F
    first_order = "BUY"
    quantity = 0.5
    buy_price = 2500.0
    sell_price = 2550.0
    trailing_percent = None
    infinite_loop = False
    status = BotStatus.ACTIVE
    pnl = 0.0
    total_trades = 0


class ActivityLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityLog

    level = LogLevel.INFO
    message = factory.Sequence(lambda n: f"Activity {n}")


class TradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trade

    bot_id = factory.LazyFunction(lambda: BotFactory().id)
    symbol = "ETH/USDT"
    side = "BUY"
    quantity = 0.5
    price = 2500.0
    exchange = Exchange.COINDCX_F


class TelegramConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TelegramConnection

    chat_id = factory.Sequence(lambda n: str(100000000 + n))
    username = factory.Sequence(lambda n: f"trader{n}")
    is_active = True


class ExchangeCredentialsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeCredentials

    class Params:
        api_key = "plain-api-key-0001"
        secret_key = "plain-secret-key-0001"

    exchange = "coindcx"
    exchange_display_name = "CoinDCX"
    api_key_encrypted = factory.LazyAttribute(lambda o: encryption.encrypt(o.api_key))
    secret_key_encrypted = factory.LazyAttribute(lambda o: encryption.encrypt(o.secret_key))
    is_testnet = True
    is_active = True
    is_validated = False


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    bot = factory.SubFactory(BotFactory)
    exchange = "CoinDCX F"
    ticker = "ETH/USDT"
    side = "BUY"
    order_type = OrderType.LIMIT
    quantity = 1.0
    filled_quantity = 0.0
    price = 2500.0
    status = OrderStatus.PENDING
