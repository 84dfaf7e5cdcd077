"""``/platform/v1/login/*``: request a code, and log in with a password or a code."""

from __future__ import annotations

import re
from typing import Any

from .bodies import login_access_body
from .models import SandboxUser
from .state import SandboxState
from .tokens import OtpLimitExceeded, issue_login_token, issue_otp
from .wire import Request, Response, error, json_response

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")

OVER_LIMIT = error(400, "Generate otp over limit, please try again after 3 hours", 40010)
UNKNOWN_EMAIL = error(400, "email not sign up.", 40004, "email")
WRONG_PASSWORD = error(400, "incorrect password. or email unverified", 40005, "password")
INVALID_OTP = error(400, "Invalid OTP", 40000)
EXPIRED_OTP = error(400, "Expired OTP", 40000)


def _email(body: dict[str, Any]) -> str | Response:
    """The lower-cased address from the body, or the validation error."""
    email = body.get("email")
    if email is None or email == "":
        return error(400, "email is required", 1, "email")
    if not isinstance(email, str) or not EMAIL_RE.match(email.strip()):
        return error(400, "email must be in email format", 3, "email")
    return email.strip().lower()


def otp_request(state: SandboxState, request: Request) -> Response:
    """Send a code to any well-formed address; 201 ``{}`` whether or not it has an account."""
    email = _email(request.json())
    if isinstance(email, Response):
        return email
    try:
        issue_otp(state, email)
    except OtpLimitExceeded:
        return OVER_LIMIT
    return json_response(201, {})


def _check_password(user: SandboxUser, password: Any) -> Response | None:
    if not user.verified or user.password is None or password != user.password:
        return WRONG_PASSWORD
    return None


def _check_otp(state: SandboxState, user: SandboxUser, otp: Any) -> Response | None:
    record = state.otps.get(user.email)
    if record is None or not isinstance(otp, str) or otp.strip() != record.code:
        return INVALID_OTP
    if record.expires_at <= state.clock.now():
        return EXPIRED_OTP
    if not user.verified:
        return WRONG_PASSWORD
    del state.otps[user.email]
    return None


def _login(
    state: SandboxState, request: Request, *, allow: tuple[str, ...], with_organizations: bool
) -> Response:
    body = request.json()
    email = _email(body)
    if isinstance(email, Response):
        return email
    secret_name = next((name for name in allow if body.get(name) not in (None, "")), None)
    if secret_name is None:
        return error(400, f"{allow[0]} is required", 1, allow[0])
    user = state.user_by_email(email)
    if user is None:
        return UNKNOWN_EMAIL
    if secret_name == "password":
        failure = _check_password(user, body["password"])
    else:
        failure = _check_otp(state, user, body["otp"])
    if failure is not None:
        return failure
    login = issue_login_token(state, user)
    return json_response(
        200, login_access_body(state, user, login, with_organizations=with_organizations)
    )


def authenticate(state: SandboxState, request: Request) -> Response:
    """``POST /platform/v1/login/authenticate`` with a password or a code."""
    return _login(state, request, allow=("password", "otp"), with_organizations=True)


def sign_in(state: SandboxState, request: Request) -> Response:
    """``POST /platform/v1/login/sign_in`` (password; no organizations in the answer)."""
    return _login(state, request, allow=("password",), with_organizations=False)


def signin_with_email(state: SandboxState, request: Request) -> Response:
    """``POST /platform/v1/login/_signin_with_email`` (code; no organizations)."""
    return _login(state, request, allow=("otp",), with_organizations=False)
