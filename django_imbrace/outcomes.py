"""What a sign-in step came to, independent of how it is shown.

The steps (:mod:`.steps`, :mod:`.finish`) change the server-side state (pending flow,
rate-limit counters, ``login()``, the stored grant) and return an :class:`Outcome`;
each front end renders it: the pages in :mod:`.views`, the JSON API in
:mod:`django_imbrace.api`. Both therefore share one set of rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from .flow import PendingSignIn

#: A code was e-mailed (or e-mailed again); the flow waits at the code stage.
CODE_SENT = "code_sent"
#: The login listed several organizations; the flow waits for the choice.
ORGANIZATION = "organization"
#: The user is signed in and the grant stored.
SIGNED_IN = "signed_in"
#: Refused or failed; the flow (if any) is unchanged. ``reason`` says why.
REFUSED = "refused"
#: Slow down: ``retry_after`` seconds.
RATE_LIMITED = "rate_limited"
#: The flow was discarded; the user starts again (typed e-mail kept). ``reason`` says why.
ENDED = "ended"
#: The flow is gone (or never was); ``reason`` is ``no_pending``, ``replaced``,
#: ``expired_code`` or ``too_many_codes``.
RESTART = "restart"
#: A wrong code; the flow goes on with one attempt fewer.
WRONG_CODE = "wrong_code"
#: No more codes may be sent for this flow.
NO_MORE_RESENDS = "no_more_resends"
#: Another code may be sent in ``retry_after`` seconds.
RESEND_WAIT = "resend_wait"
#: The organization chosen is not one this login listed.
NOT_LISTED = "not_listed"

#: ``Outcome.reason`` for a flow that is missing, expired or at another stage.
NO_PENDING = "no_pending"
#: ``Outcome.reason`` for a code posted with the id of an older flow.
REPLACED = "replaced"


@dataclass(frozen=True)
class Outcome:
    """The result of one step. ``pending`` never leaves the server (no ``repr`` of secrets:
    :class:`~django_imbrace.flow.PendingSignIn` hides its login token)."""

    kind: str
    pending: PendingSignIn | None = None
    reason: str = ""
    retry_after: int | None = None
