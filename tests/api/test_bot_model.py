"""What a bot knows about itself."""

import pytest
from django.core.exceptions import ValidationError

from bots.models import Bot
from exchanges.models import Exchange


def test_a_bot_knows_the_rules_of_its_settings():
    bot = Bot(
        ticker="ETH/USDT",
        exchange=Exchange.BINANCE,
        first_order="BUY",
        quantity=0,
        buy_price=2500,
        sell_price=2500,
        trailing_percent=5.0,
    )

    with pytest.raises(ValidationError) as error:
        bot.clean()

    assert error.value.message_dict == {
        "quantity": ["Must be greater than 0."],
        "trailing_percent": ["Must be between 0.1 and 3.0."],
        "sell_price": ["Must be greater than buy_price (2500)."],
    }
