"""Signals sent by :class:`~django_imbrace.middleware.ImbraceMiddleware`."""

from __future__ import annotations

from django.dispatch import Signal

token_rejected = Signal()
"""A signed-in user's Imbrace access ended while a request used it.

Sent after the token was removed from the session and the user logged out.
Keyword arguments:

* ``request``: the ``HttpRequest``;
* ``user``: the Django user who was signed in (``request.user`` is anonymous by now);
* ``reason``: ``"rejected"`` (the gateway answered 401 to the token) or
  ``"expired"`` (the stored grant was past its ``expires_at``; no call was made).

The sender is :class:`~django_imbrace.middleware.ImbraceMiddleware`. The token is
never passed.
"""
