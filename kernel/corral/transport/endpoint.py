"""Where requests go: the default endpoint, how long connecting may take, and the
:class:`Origin` a connection is kept under. Standard library only, so the warm-up thread can
start connecting before anything heavier is imported."""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urlsplit

DEFAULT_BASE_URL = "https://api.anthropic.com"
#: Seconds allowed to open a connection (the whole request has ``[api] timeout_s``).
CONNECT_TIMEOUT_S = 10.0


class Origin(NamedTuple):
    """Where a connection goes: what a pooled connection is kept under."""

    scheme: str
    host: str
    port: int

    @classmethod
    def split(cls, url: str) -> tuple[Origin, str]:
        """The origin of an absolute ``http``/``https`` URL, and its request target."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        port = parts.port or (443 if scheme == "https" else 80)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return cls(scheme, parts.hostname, port), target

    @property
    def authority(self) -> str:
        """The ``Host`` header: the host, and the port when it is not the scheme's own."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"

    def __str__(self) -> str:
        return f"{self.scheme}://{self.authority}"
