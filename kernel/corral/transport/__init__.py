"""The kernel's own Messages-API transport, and the error type every model provider raises.

- :mod:`corral.transport.errors`: :class:`APIError`, the provider-neutral error the engine's
  retry policy reads (standard library only, cheap to import).
- :mod:`corral.transport.events`: the streamed events and messages as msgspec Structs.
- :mod:`corral.transport.client`: :class:`MessagesClient` on httpx, one connection pool per
  process.
- :mod:`corral.transport.sdk`: the anthropic SDK as a provider, for the cloud platforms that
  need its own authentication.

Nothing is imported here, so importing a submodule stays cheap.
"""
