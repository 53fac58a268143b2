"""Trusted networks: client addresses served without credentials (API_TRUSTED_NETWORKS).

The client address is resolved as the throttles resolve it (DRF's rule with NUM_PROXIES, set
by THROTTLE_NUM_PROXIES): the peer address, or with N proxies in front the N-th address from
the right of X-Forwarded-For. A client cannot pick its address by sending that header unless
the setting says proxies append to it.
"""

import ipaddress

from django.conf import settings
from rest_framework.throttling import BaseThrottle


def client_address(request):
    """The client's IP address as the throttles see it, or None if it is not an address."""
    ident = BaseThrottle().get_ident(request)
    try:
        address = ipaddress.ip_address(ident.strip())
    except ValueError:
        return None
    # An IPv4 client of a dual-stack socket shows as ::ffff:a.b.c.d.
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address


def from_trusted_network(request):
    networks = settings.API_TRUSTED_NETWORKS
    if not networks:
        return False
    address = client_address(request)
    return address is not None and any(address in network for network in networks)
