from django_filters import rest_framework as filters

from exchanges.models import OrderSide
from orders.models import Order, OrderStatus
from scalper.api.filters import TextFilter, UUIDFilter


class OrderHistoryFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=OrderStatus.choices)

    class Meta:
        model = Order
        fields = ["status"]


class OrderFilter(OrderHistoryFilter):
    bot_id = UUIDFilter()
    exchange = TextFilter(help_text="Exact match on the stored exchange name.")
    ticker = TextFilter(help_text="Exact match, e.g. 'ETH/USDT'.")
    side = filters.ChoiceFilter(choices=OrderSide.choices)

    class Meta:
        model = Order
        fields = ["bot_id", "exchange", "ticker", "side", "status"]
