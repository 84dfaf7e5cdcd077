"""Every ``IMBRACE_*`` setting with its default, read at access time.

Reading through :data:`conf` (never copying values at import) keeps
``override_settings`` working in tests.
"""

from __future__ import annotations

from typing import Any, Literal

from django.conf import settings

DEFAULT_GATEWAY = "https://app-gatewayv2.imbrace.co"

BUILD_MODE = "build"
WRAP_MODE = "wrap"
MODES = (BUILD_MODE, WRAP_MODE)

DEFAULT_RATE_LIMITS: dict[str, str] = {
    # Requests for a one-time code: per client IP and per e-mail address.
    "request_code": "20/m/ip,3/m/key",
    # Failed sign-ins (password and code share it): per client IP and per e-mail.
    "login_failed": "10/m/ip,5/5m/key",
}


class ImbraceSettings:
    """Typed access to the ``IMBRACE_*`` settings; see the README's settings table."""

    def _get(self, name: str, default: Any) -> Any:
        return getattr(settings, f"IMBRACE_{name}", default)

    @property
    def GATEWAY(self) -> str:
        """Base URL of the Imbrace gateway (the sandbox's ``.url`` in tests)."""
        return str(self._get("GATEWAY", DEFAULT_GATEWAY)).rstrip("/")

    @property
    def MODE(self) -> Literal["build", "wrap"] | str:
        """``"build"``: Imbrace signs users in; ``"wrap"``: one org API key for every request."""
        return str(self._get("MODE", BUILD_MODE))

    @property
    def API_KEY(self) -> str | None:
        """The organization API key (``api_...``) used in wrap mode."""
        value = self._get("API_KEY", None)
        return str(value) if value else None

    @property
    def ORGANIZATION_ID(self) -> str | None:
        """Sign every user in to this organization instead of offering a choice."""
        value = self._get("ORGANIZATION_ID", None)
        return str(value) if value else None

    @property
    def TIMEOUT(self) -> float:
        """Seconds one SDK call may take in all, retries included."""
        return float(self._get("TIMEOUT", 10.0))

    @property
    def RETRIES(self) -> int:
        """Extra attempts for GET/HEAD/OPTIONS on connection errors and 502/503/504."""
        return int(self._get("RETRIES", 1))

    @property
    def POOL_SIZE(self) -> int:
        """Most connections the process-wide pool opens to the gateway."""
        return int(self._get("POOL_SIZE", 10))

    @property
    def CREATE_USERS(self) -> bool:
        """Create a local Django user on a first sign-in."""
        return bool(self._get("CREATE_USERS", True))

    @property
    def OTP_MAX_ATTEMPTS(self) -> int:
        """Wrong codes accepted per issued code before the sign-in is discarded."""
        return int(self._get("OTP_MAX_ATTEMPTS", 3))

    @property
    def OTP_MAX_RESENDS(self) -> int:
        """How many times a user may ask for the code again within one sign-in."""
        return int(self._get("OTP_MAX_RESENDS", 2))

    @property
    def OTP_RESEND_COOLDOWN(self) -> int:
        """Seconds between two requests for a code within one sign-in."""
        return int(self._get("OTP_RESEND_COOLDOWN", 60))

    @property
    def FLOW_TIMEOUT(self) -> int:
        """Seconds a pending sign-in (code sent, organization not chosen) stays valid."""
        return int(self._get("FLOW_TIMEOUT", 900))

    @property
    def RATE_LIMITS(self) -> dict[str, str]:
        """Limits in the ``"N/period/ip,N/period/key"`` grammar; ``{}`` turns them off."""
        configured = self._get("RATE_LIMITS", None)
        if configured is None:
            return dict(DEFAULT_RATE_LIMITS)
        return {**DEFAULT_RATE_LIMITS, **configured} if configured else {}

    @property
    def CACHE_ALIAS(self) -> str:
        """The cache (``CACHES`` alias) that holds rate-limit counters."""
        return str(self._get("CACHE_ALIAS", "default"))

    @property
    def TRUSTED_PROXY_COUNT(self) -> int:
        """Proxies in front of Django whose ``X-Forwarded-For`` entries are trusted."""
        return int(self._get("TRUSTED_PROXY_COUNT", 0))

    @property
    def RAISE_UNAVAILABLE(self) -> bool:
        """Re-raise gateway outages from views instead of answering a 503 page."""
        return bool(self._get("RAISE_UNAVAILABLE", False))

    @property
    def LOG_CALLS(self) -> bool:
        """Log each call made through ``request.imbrace`` at INFO (no secrets)."""
        return bool(self._get("LOG_CALLS", True))


conf = ImbraceSettings()
