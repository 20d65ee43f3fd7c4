"""The OS sandbox under every shell command (docs/sandbox.md).

Modules, in import order: :mod:`settings` (the ``[sandbox]`` table), :mod:`credentials`
(what is hidden, which variables are scrubbed), :mod:`policy` (what a command may touch),
:mod:`bwrap` (Linux) and :mod:`seatbelt` (macOS) turn a policy into a command line,
:mod:`detect` finds a backend that works, :mod:`proxy` and :mod:`_relay` carry allowed
network traffic, and :mod:`runtime` ties them to a session. This package itself imports
nothing, so reading the configuration stays cheap.
"""
