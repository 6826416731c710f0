"""The address a request came from, for per-address limits: the peer's address, or — only when the peer is
one of the configured trusted reverse proxies (TRUSTED_PROXIES) — the nearest untrusted address in its
X-Forwarded-For chain. A client cannot choose its address by sending X-Forwarded-For itself."""

from __future__ import annotations

import ipaddress
import logging
from typing import List, Optional, Sequence, Union

from starlette.requests import Request

logger = logging.getLogger(__name__)

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]
UNKNOWN = "unknown"


def parse_networks(value: str) -> List[Network]:
    """ "10.0.0.1, 192.168.0.0/16, ::1" -> networks; an entry that is not an address is an error."""
    networks: List[Network] = []
    for part in (value or "").split(","):
        part = part.strip()
        if part:
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError as exc:
                raise ValueError(f"TRUSTED_PROXIES 中的“{part}”不是地址或网段") from exc
    return networks


def _address(value: str) -> Optional[ipaddress._BaseAddress]:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address: Optional[ipaddress._BaseAddress], proxies: Sequence[Network]) -> bool:
    return address is not None and any(address in net for net in proxies)


def client_address(peer: Optional[str], forwarded_for: Optional[str], proxies: Sequence[Network]) -> str:
    """Walk from the peer back through X-Forwarded-For while the hop is a trusted proxy."""
    current = _address(peer or "")
    if current is None:
        return peer or UNKNOWN
    if not proxies or not _trusted(current, proxies):
        return str(current)
    hops = [h for h in (forwarded_for or "").split(",") if h.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:  # a malformed hop added by somebody before our proxies: stop at what we know
            break
        current = address
        if not _trusted(current, proxies):
            break
    return str(current)


def request_address(request: Request, proxies: Sequence[Network]) -> str:
    peer = request.client.host if request.client else None
    return client_address(peer, request.headers.get("x-forwarded-for"), proxies)
