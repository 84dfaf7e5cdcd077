"""Signals sent by django_imbrace. None of them ever carries a token, code or password.

``imbrace_login_succeeded``
    After a user signed in and their access was stored. Arguments: ``request``,
    ``user``, ``organization_id``, ``method`` (``"otp"`` or ``"password"``).

``imbrace_login_failed``
    After a sign-in attempt was refused. Arguments: ``request``, ``email`` (as typed,
    normalised), ``method``, ``reason`` (one of :data:`FAILURE_REASONS`).

``token_rejected``
    A signed-in user's Imbrace access ended while a request used it, after the token
    was removed from the session and the user logged out. Sent by
    :class:`~django_imbrace.middleware.ImbraceMiddleware` with ``request``, ``user``
    (the user who was signed in; ``request.user`` is anonymous by now) and ``reason``:
    ``"rejected"`` (the gateway answered 401 to the token) or ``"expired"`` (the
    stored grant was past its ``expires_at``; no call was made).
"""

from __future__ import annotations

from django.dispatch import Signal

FAILURE_REASONS = (
    "invalid_credentials",  # unknown e-mail or wrong password
    "invalid_code",  # wrong code (or unknown e-mail in the code flow)
    "code_not_sent",  # the gateway refused to e-mail a code to this address (it counts)
    "expired_code",
    "too_many_codes",  # wrong codes per issued code used up: the flow was discarded
    "deactivated",
    "not_a_member",
    "no_organization",
    "expired",  # the pending sign-in or the login token expired
    "inactive_user",  # the local user is inactive, or may not be created
    "rate_limited",
    "unavailable",
)

imbrace_login_succeeded = Signal()
imbrace_login_failed = Signal()

token_rejected = Signal()
