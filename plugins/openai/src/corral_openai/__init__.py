"""corral-openai: the ``openai`` provider, for OpenAI-compatible endpoints."""

__version__ = "0.1.0"
