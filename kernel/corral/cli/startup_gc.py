"""The garbage collector while the ``corral`` process starts.

Start-up allocates a few hundred thousand objects that live until the process ends
(modules, classes, functions, the configuration, the plugin host). The cyclic collector
would walk them again and again before the first request (about 20 ms of CPU on a slow
machine) and free almost nothing. So the process (:func:`corral.cli.entry`, not ``main()``
called in-process) starts with the collector off, and :func:`resume` turns it back on once
a session has started, or before any other command does its work: everything alive by then
is moved to the permanent generation (``gc.freeze``), which later collections do not walk.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Turn the collector off for start-up (if it is on)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Freeze what start-up left alive and turn the collector back on, if :func:`pause`
    turned it off; otherwise do nothing (also when called again)."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
