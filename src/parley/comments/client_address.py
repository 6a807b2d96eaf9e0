"""The client's network address as seen through trusted proxies, and its salted hash.

X-Forwarded-For is believed only when the direct peer (REMOTE_ADDR) is one of
``settings.PARLEY_TRUSTED_PROXIES`` (addresses or networks such as ``10.0.0.0/8``); then the
right-most address that is not itself a trusted proxy is the client. Anyone can write an
X-Forwarded-For header, so the left-most entry is never trusted.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    address = address.strip()
    if address.startswith("[") and "]" in address:  # "[::1]:1234"
        address = address[1 : address.index("]")]
    elif address.count(":") == 1:  # "1.2.3.4:5678"
        address = address.split(":", 1)[0]
    try:
        return ipaddress.ip_address(address)
    except ValueError:
        return None


def _is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(address in net for net in _networks(tuple(settings.PARLEY_TRUSTED_PROXIES)))


def client_address(request: HttpRequest) -> str:
    """Return the client's address, walking X-Forwarded-For only through trusted proxies."""
    peer = _parse(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return ""
    if not settings.PARLEY_TRUSTED_PROXIES or not _is_trusted(peer):
        return str(peer)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    client = peer
    for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
        address = _parse(hop)
        if address is None:
            break  # garbage from beyond our proxies: stop at the last address we can vouch for
        client = address
        if not _is_trusted(address):
            break
    return str(client)


def hash_client_address(address: str) -> str:
    """Return an HMAC of the address keyed by SECRET_KEY: comparable, but not reversible."""
    if not address:
        return ""
    key = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(key, b"client-address:" + address.encode("utf-8"), hashlib.sha256).hexdigest()
