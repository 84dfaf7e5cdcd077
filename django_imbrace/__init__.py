"""Sign in with Imbrace, and a ready Imbrace API client on every Django request."""

__version__ = "0.1.0.dev0"
