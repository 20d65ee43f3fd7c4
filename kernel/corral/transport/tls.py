"""The TLS context of the kernel's HTTPS connections: one per process, built once.

Certificates come from the system's trust store (``ssl.create_default_context``), so a
company's own root installed there is trusted; ``SSL_CERT_FILE`` and ``SSL_CERT_DIR`` replace
it, as OpenSSL defines. Only when the system offers no store at all (some Python builds on
macOS) are the ``certifi`` package's certificates used, if it is installed.
"""

from __future__ import annotations

import os
import ssl
import threading

_lock = threading.Lock()
_context: ssl.SSLContext | None = None


def tls_context() -> ssl.SSLContext:
    """The process's client TLS context (safe to call from any thread)."""
    global _context
    with _lock:
        if _context is None:
            _context = _build()
        return _context


def _build() -> ssl.SSLContext:
    context = ssl.create_default_context()
    if not _system_store(context):
        try:
            import certifi
        except ImportError:
            pass
        else:
            context.load_verify_locations(certifi.where())
    context.set_alpn_protocols(["http/1.1"])
    return context


def _system_store(context: ssl.SSLContext) -> bool:
    """Whether ``context`` trusts something: certificates loaded, or a store to look in."""
    if os.environ.get("SSL_CERT_FILE") or os.environ.get("SSL_CERT_DIR"):
        return True  # the user chose: use that and nothing else
    if context.cert_store_stats().get("x509_ca", 0) > 0:
        return True
    paths = ssl.get_default_verify_paths()
    if paths.cafile and os.path.isfile(paths.cafile):
        return True
    try:
        return bool(paths.capath and os.listdir(paths.capath))
    except OSError:
        return False
