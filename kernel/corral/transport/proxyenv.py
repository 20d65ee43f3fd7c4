"""Whether a proxy from the environment applies to an endpoint.

Reads the variables HTTP clients conventionally honour: ``HTTPS_PROXY`` for ``https`` URLs,
``HTTP_PROXY`` for ``http`` ones, ``ALL_PROXY`` for either (each also in lower case, which
wins when both are set), and ``NO_PROXY``: a comma-separated list of host names (a name also
covers its subdomains; a leading ``.`` or ``*.`` is allowed), IP addresses or networks in CIDR
form, optionally with ``:port``; ``*`` turns every proxy off. Standard library only.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit


def _env(environ: Mapping[str, str], name: str) -> str:
    return (environ.get(name.lower()) or environ.get(name.upper()) or "").strip()


def proxy_for(url: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The proxy URL the environment names for ``url``, or ``None`` to connect directly."""
    env = os.environ if environ is None else environ
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    proxy = _env(env, f"{scheme}_proxy") if scheme in ("http", "https") else ""
    proxy = proxy or _env(env, "all_proxy")
    if not proxy:
        return None
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port or (443 if scheme == "https" else 80)
    if bypassed(host, port, _env(env, "no_proxy")):
        return None
    return proxy


def bypassed(host: str, port: int, no_proxy: str) -> bool:
    """Whether ``host:port`` is listed in a ``NO_PROXY`` value."""
    for entry in (item.strip().lower() for item in no_proxy.split(",")):
        if not entry:
            continue
        if entry == "*":
            return True
        name, entry_port = _split_port(entry)
        if entry_port is not None and entry_port != port:
            continue
        if _matches(host, name):
            return True
    return False


def _split_port(entry: str) -> tuple[str, int | None]:
    if entry.startswith("["):  # [v6]:port
        address, _, rest = entry[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
        return address, int(port) if port.isdigit() else None
    if entry.count(":") == 1:
        name, _, port = entry.partition(":")
        if port.isdigit():
            return name, int(port)
    return entry, None


def _matches(host: str, name: str) -> bool:
    name = name.rstrip(".")
    if "/" in name:  # a network: 10.0.0.0/8
        import ipaddress

        try:
            return ipaddress.ip_address(host.strip("[]")) in ipaddress.ip_network(name,
                                                                                   strict=False)
        except ValueError:
            return False
    name = name.removeprefix("*").lstrip(".")
    return bool(name) and (host == name or host.endswith("." + name))
