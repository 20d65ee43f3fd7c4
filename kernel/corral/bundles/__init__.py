"""Plugin bundles (Claude Code plugins) and the marketplaces they are installed from.

A bundle is a folder with ``.claude-plugin/plugin.json`` and the default folders
``commands/``, ``agents/``, ``skills/``, ``hooks/hooks.json`` and ``.mcp.json``
(:mod:`corral.bundles.manifest`). Marketplaces list bundles
(:mod:`corral.bundles.marketplace`); installed bundles are copied into corral's user data
directory (:mod:`corral.bundles.store`); :mod:`corral.bundles.active` says which bundles a
run uses. Nothing here is imported on a run with no bundle installed: the internal plugin
``corral.internal_plugins.bundles`` looks for the state file first.
"""
