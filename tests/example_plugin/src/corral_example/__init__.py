"""An example third-party corral plugin."""
