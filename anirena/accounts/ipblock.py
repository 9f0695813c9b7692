"""The IP block list: addresses and ranges that may not sign up, sign in or upload."""

import ipaddress

from django.db.models import Q
from django.utils import timezone

from anirena.accounts.models import BlockedNetwork


def _parse(ip: str | None):
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return None
    # An IPv4 client reaching an IPv6 socket shows up as ::ffff:a.b.c.d, so match it as IPv4.
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def find_ip_block(ip: str | None) -> BlockedNetwork | None:
    """Return the unexpired block entry that contains `ip`, or None."""
    address = _parse(ip)
    if address is None:
        return None
    # The list is short and edited by hand, so it is matched in Python on every call,
    # which keeps SQLite and PostgreSQL alike and makes a new entry effective at once.
    active = BlockedNetwork.objects.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
    for entry in active.only("network", "reason", "expires_at"):
        network = ipaddress.ip_network(entry.network, strict=False)
        if network.version == address.version and address in network:
            return entry
    return None


def is_ip_blocked(ip: str | None) -> bool:
    """Return True when `ip` lies in an unexpired blocked network. Unparsable input is not blocked."""
    return find_ip_block(ip) is not None
