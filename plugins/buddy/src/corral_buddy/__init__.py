"""corral-buddy: A companion pet seeded from a hash of the user id."""

__version__ = "0.1.0"
