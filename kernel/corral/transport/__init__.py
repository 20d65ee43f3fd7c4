"""The kernel's own Messages-API transport, and the error type every model provider raises.

- :mod:`corral.transport.errors`: :class:`APIError`, the provider-neutral error the engine's
  retry policy reads (standard library only, cheap to import).
- :mod:`corral.transport.events`: the streamed events and messages as msgspec Structs.
- :mod:`corral.transport.client`: :class:`MessagesClient`, over one of two wires
  (:mod:`corral.transport.wire`): :mod:`corral.transport.h11_wire` (HTTP/1.1 on asyncio
  streams with h11, keep-alive connections per event loop) by default, or
  :mod:`corral.transport.httpx_wire` when a proxy applies (:mod:`corral.transport.proxyenv`).
- :mod:`corral.transport.warm` / :mod:`corral.transport.preopen`: a connection opened and the
  wire loaded in a background thread while start-up runs.
- :mod:`corral.transport.sdk`: the anthropic SDK as a provider, for the cloud platforms that
  need its own authentication.

Nothing is imported here, so importing a submodule stays cheap.
"""
