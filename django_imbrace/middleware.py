"""``request.imbrace`` and ``request.aimbrace``: a ready Imbrace client on every request.

Add ``"django_imbrace.middleware.ImbraceMiddleware"`` to ``MIDDLEWARE`` after
``SessionMiddleware`` and ``AuthenticationMiddleware`` (sync and async capable).

* ``request.imbrace`` (sync views): an ``imbrace.ImbraceClient`` built on first touch.
  In build mode, touching it with no signed-in user or an expired grant raises
  :class:`~django_imbrace.errors.ImbraceLoginRequired`.
* ``request.aimbrace`` (async views): an ``imbrace.AsyncImbraceClient``. Touching it
  reads nothing; its first call awaits the session and user (so the event loop never
  blocks) and raises ``ImbraceLoginRequired`` there when nobody is signed in.

A request that never uses them builds no client, reads no session, makes no query
and no gateway call. How failures are answered: :meth:`ImbraceMiddleware.process_exception`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import imbrace
from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import resolve_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from .client import anonymous_aclient, client_for_api_key, client_for_token
from .conf import BUILD_MODE, WRAP_MODE, conf
from .errors import Failure, ImbraceLoginRequired, ImbraceUnavailable, classify
from .responses import (
    login_required_response,
    rate_limited_response,
    unavailable_response,
    wants_json,
)
from .session import ACCESS_SESSION_KEY, AccessGrant
from .signals import token_rejected

logger = logging.getLogger("django_imbrace")

STATE_ATTRIBUTE = "_imbrace_state"
GATEWAY_RETRY_AFTER = 30  # seconds suggested to callers when Imbrace itself throttles


class ImbraceHttpRequest(HttpRequest):
    """For type hints in views: ``def view(request: ImbraceHttpRequest)``."""

    imbrace: imbrace.ImbraceClient
    aimbrace: imbrace.AsyncImbraceClient


@dataclass
class _State:
    """What this request's clients did, for :meth:`ImbraceMiddleware.process_exception`."""

    credential: str | None = None  # "token" or "api_key" once a client has one
    ended: str | None = None  # "expired" when a stored grant was found past its expiry


def _caller(user: Any) -> str:
    return str(user.pk) if user is not None and user.is_authenticated else "anonymous"


def _mode() -> str:
    if conf.MODE not in (BUILD_MODE, WRAP_MODE):
        raise ImproperlyConfigured("IMBRACE_MODE must be 'build' or 'wrap' (django_imbrace.E007)")
    return conf.MODE


def _api_key() -> str:
    if not conf.API_KEY:
        raise ImproperlyConfigured("IMBRACE_API_KEY is not set (django_imbrace.E001)")
    return conf.API_KEY


def _grant(user: Any, stored: Any, state: _State) -> AccessGrant:
    """The signed-in user's usable grant, or :class:`ImbraceLoginRequired`."""
    if user is None or not user.is_authenticated:
        raise ImbraceLoginRequired("Sign in with Imbrace to use request.imbrace")
    grant = AccessGrant.from_session(stored)
    if grant is None:
        raise ImbraceLoginRequired("This session holds no Imbrace access")
    if grant.is_expired():
        state.ended = "expired"
        raise ImbraceLoginRequired("The Imbrace access of this session has expired")
    return grant


def _sync_client(request: HttpRequest, state: _State) -> imbrace.ImbraceClient:
    user = getattr(request, "user", None)
    if _mode() == WRAP_MODE:
        state.credential = "api_key"
        return client_for_api_key(_api_key(), caller=_caller(user))
    grant = _grant(user, request.session.get(ACCESS_SESSION_KEY), state)
    client = client_for_token(grant.token, grant.organization_id, caller=_caller(user))
    state.credential = "token"
    return client


async def _acredentials(request: HttpRequest, state: _State, transport: Any) -> None:
    """Give a deferred async client its credential (awaits the session and user)."""
    auser = getattr(request, "auser", None)
    user = await auser() if auser is not None else None
    transport.caller = _caller(user)
    transport.mode = _mode()
    if transport.mode == WRAP_MODE:
        transport.api_key = _api_key()
        state.credential = "api_key"
        return
    grant = _grant(user, await request.session.aget(ACCESS_SESSION_KEY), state)
    transport.token_manager.set_token(grant.token)
    transport.organization_id = grant.organization_id
    state.credential = "token"


def _async_client(request: HttpRequest, state: _State) -> imbrace.AsyncImbraceClient:
    client = anonymous_aclient()
    transport = client.http
    send: Callable[..., Awaitable[Any]] = transport.request
    resolved = False

    async def request_with_credentials(method: str, url: str, **kwargs: Any) -> Any:
        nonlocal resolved
        if not resolved:
            await _acredentials(request, state, transport)
            resolved = True
        return await send(method, url, **kwargs)

    # Resources call ``self._http.request``; the instance attribute comes first.
    transport.request = request_with_credentials
    return client


class ImbraceMiddleware:
    """Attach the lazy ``request.imbrace`` / ``request.aimbrace`` and map gateway failures.

    Sync and async capable: under ASGI it never blocks the event loop.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        self.attach(request)
        return self.get_response(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        self.attach(request)
        return await self.get_response(request)  # type: ignore[no-any-return]

    @staticmethod
    def attach(request: HttpRequest) -> None:
        """Set the lazy attributes; nothing is built or read here."""
        state = _State()
        setattr(request, STATE_ATTRIBUTE, state)
        request.imbrace = SimpleLazyObject(lambda: _sync_client(request, state))  # type: ignore[attr-defined]
        request.aimbrace = SimpleLazyObject(lambda: _async_client(request, state))  # type: ignore[attr-defined]

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Answer a sign-in problem or a gateway failure raised by the view.

        * ``ImbraceLoginRequired``, or 401 to the user's token: token dropped, user
          logged out, ``token_rejected`` sent; redirect to ``LOGIN_URL`` with ``next``
          (HTML) or 401 JSON with ``login_url`` (JSON/XHR); never a redirect loop.
        * 403 to the user's token: ``PermissionDenied``. 401/403 to the API key: an
          operator error, logged at ERROR (without the key), 503.
        * Unavailable (network, timeout, 5xx, HTML, malformed): 503, or
          ``ImbraceUnavailable`` raised with ``IMBRACE_RAISE_UNAVAILABLE``.
        * 429: the "too many attempts" answer. Other errors: left to Django.
        """
        state: _State = getattr(request, STATE_ATTRIBUTE, None) or _State()
        if isinstance(exception, ImbraceLoginRequired):
            if state.ended:
                self._sign_out(request, state.ended)
            return self._login_required(request)
        failure = classify(exception)
        if failure is Failure.UNAUTHORIZED:
            return self._refused(request, exception, state)
        if failure is Failure.UNAVAILABLE:
            if conf.RAISE_UNAVAILABLE:
                raise ImbraceUnavailable("Imbrace is unavailable") from exception
            logger.warning(
                "Imbrace unavailable during %s %s (%s)",
                request.method,
                request.path,
                type(exception).__name__,
            )
            return unavailable_response(request)
        if failure is Failure.RATE_LIMITED:
            return rate_limited_response(request, retry_after=GATEWAY_RETRY_AFTER)
        return None

    def _refused(
        self, request: HttpRequest, exception: Exception, state: _State
    ) -> HttpResponse | None:
        status = getattr(exception, "status_code", None)
        if state.credential == "api_key" or (state.credential is None and conf.MODE == WRAP_MODE):
            logger.error(
                "Imbrace refused the API key (HTTP %s) during %s %s: check IMBRACE_API_KEY",
                status,
                request.method,
                request.path,
            )
            return unavailable_response(request)
        if state.credential != "token":
            return None  # not our client's credential: the view's own business
        if status == 403:
            raise PermissionDenied  # signed in, but not allowed: Django's 403
        self._sign_out(request, "rejected")
        return self._login_required(request)

    @staticmethod
    def _sign_out(request: HttpRequest, reason: str) -> None:
        user = getattr(request, "user", None)
        request.session.pop(ACCESS_SESSION_KEY, None)
        logout(request)
        logger.info("Imbrace access ended (%s) for user=%s", reason, _caller(user))
        token_rejected.send(ImbraceMiddleware, request=request, user=user, reason=reason)

    @staticmethod
    def _login_required(request: HttpRequest) -> HttpResponse:
        login_url = urlsplit(resolve_url(settings.LOGIN_URL))
        same_host = not login_url.netloc or login_url.netloc == request.get_host()
        if same_host and login_url.path == request.path and not wants_json(request):
            # Already on the sign-in page: redirecting would loop.
            text = _("Please sign in again.")
            return HttpResponse(text, status=401, content_type="text/plain; charset=utf-8")
        return login_required_response(request)
