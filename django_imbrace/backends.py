"""``ImbraceBackend``: Django users for Imbrace accounts, found by their stable id.

The sign-in views verify the code or password with the gateway and exchange the login
token; they then call ``django.contrib.auth.authenticate(request,
imbrace_access_token=grant)`` with the resulting :class:`~.session.AccessGrant`. The
backend checks that token itself (``GET /platform/v1/users/_me``) and maps the
profile to a local user through :class:`~.models.ImbraceIdentity`. Any other
credentials (a username and password...) are not its own: it returns ``None`` and the
next backend is tried. The keyword contains ``token``, so Django masks it in
``user_login_failed``.

Customise by subclassing and overriding the small public hooks, in the spirit of
mozilla-django-oidc: :meth:`~ImbraceBackend.get_username`,
:meth:`~ImbraceBackend.create_user`, :meth:`~ImbraceBackend.update_user`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest

from .client import aclient_for_token, client_for_token
from .conf import conf
from .errors import Failure, classify
from .models import ImbraceIdentity
from .session import AccessGrant

if TYPE_CHECKING:
    from django.contrib.auth.models import User as UserType  # AUTH_USER_MODEL for the stubs
else:
    UserType = AbstractBaseUser

logger = logging.getLogger("django_imbrace")


@dataclass(frozen=True)
class ImbraceProfile:
    """The signed-in Imbrace user, from ``get_me()``. ``id`` is the stable public id."""

    id: str
    email: str
    first_name: str = ""
    last_name: str = ""
    display_name: str = ""
    organization_id: str = ""
    is_active: bool = True

    @classmethod
    def from_me(cls, me: Any) -> ImbraceProfile | None:
        """The profile in a ``get_me()`` answer, or ``None`` when it has no usable id."""
        if not isinstance(me, dict):
            return None

        def text(name: str) -> str:
            value = me.get(name)
            return value if isinstance(value, str) else ""

        user_id = text("public_id") or text("id")
        if not user_id:
            return None
        return cls(
            id=user_id,
            email=text("email").strip().lower(),
            first_name=text("first_name"),
            last_name=text("last_name"),
            display_name=text("display_name"),
            organization_id=text("organization_id"),
            is_active=me.get("is_active") is not False,
        )


def _field(model: type[models.Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except Exception:  # FieldDoesNotExist
        return None


def _fit(value: str, model_field: Any) -> str:
    limit = getattr(model_field, "max_length", None)
    return value[:limit] if limit else value


class ImbraceBackend(ModelBackend):
    """Authenticates an Imbrace access grant; ``get_user`` works as ``ModelBackend``'s."""

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        imbrace_access_token: AccessGrant | None = None,
        **kwargs: Any,
    ) -> UserType | None:
        """The local user for a verified grant; ``None`` for credentials not our own."""
        if not isinstance(imbrace_access_token, AccessGrant):
            return None
        grant = imbrace_access_token
        client = client_for_token(grant.token, grant.organization_id)
        me = self._checked(lambda: client.platform.get_me())
        return self.user_for_profile(me, grant)

    async def aauthenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        imbrace_access_token: AccessGrant | None = None,
        **kwargs: Any,
    ) -> UserType | None:
        """Async twin of :meth:`authenticate` (the gateway call is awaited)."""
        if not isinstance(imbrace_access_token, AccessGrant):
            return None
        grant = imbrace_access_token
        client = aclient_for_token(grant.token, grant.organization_id)
        try:
            me = await client.platform.get_me()
        except Exception as exc:
            if classify(exc) is not Failure.UNAUTHORIZED:
                raise
            return None
        return await sync_to_async(self.user_for_profile)(me, grant)

    def get_user(self, user_id: Any) -> UserType | None:
        """The active user with this primary key (what the session remembers)."""
        return super().get_user(user_id)

    async def aget_user(self, user_id: Any) -> UserType | None:
        """Async twin of :meth:`get_user`."""
        return await super().aget_user(user_id)

    # -- the pipeline --------------------------------------------------------

    @staticmethod
    def _checked(call: Any) -> Any:
        try:
            return call()
        except Exception as exc:
            if classify(exc) is not Failure.UNAUTHORIZED:
                raise  # outages reach the view, which answers 503
            return None

    def user_for_profile(self, me: Any, grant: AccessGrant) -> UserType | None:
        """Find (or create) and update the local user for a ``get_me()`` answer.

        Two first sign-ins of one account at once: the one whose insert meets the other's
        (a unique conflict) finds the identity it created and goes on with that user.
        """
        profile = ImbraceProfile.from_me(me)
        if profile is None or not profile.is_active:
            return None
        identity = self._identity(profile.id)
        if identity is None:
            if not conf.CREATE_USERS:
                return None
            try:
                with transaction.atomic():
                    user = self.create_user(profile)
                    ImbraceIdentity.objects.create(
                        user=user,
                        imbrace_user_id=profile.id,
                        email=profile.email,
                        organization_id=grant.organization_id,
                    )
                return user if self.user_can_authenticate(user) else None
            except IntegrityError:
                identity = self._identity(profile.id)  # a concurrent first sign-in won
                if identity is None:
                    logger.warning("imbrace sign-in: could not create a local user (conflict)")
                    return None
        user = self.update_user(identity.user, profile)
        identity.email = profile.email
        identity.organization_id = grant.organization_id
        identity.save(update_fields=["email", "organization_id", "last_login_at"])
        return user if self.user_can_authenticate(user) else None

    @staticmethod
    def _identity(imbrace_user_id: str) -> ImbraceIdentity | None:
        identity: ImbraceIdentity | None = (
            ImbraceIdentity.objects.select_related("user")
            .filter(imbrace_user_id=imbrace_user_id)
            .first()
        )
        return identity

    # -- public hooks --------------------------------------------------------

    def get_username(self, profile: ImbraceProfile) -> str:
        """The ``USERNAME_FIELD`` value for a new user.

        With an e-mail ``USERNAME_FIELD`` (custom user models), the e-mail. Otherwise
        the e-mail when it fits and no local user has it as a username, else
        ``"imbrace-<user id>"``. Never used to *find* a user.
        """
        user_model = get_user_model()
        name_field = user_model.USERNAME_FIELD
        model_field = _field(user_model, name_field)
        if name_field == user_model.get_email_field_name() or isinstance(
            model_field, models.EmailField
        ):
            return profile.email
        limit = getattr(model_field, "max_length", None) or 150
        taken = user_model._default_manager.filter(**{name_field: profile.email}).exists()
        if profile.email and len(profile.email) <= limit and not taken:
            return profile.email
        return f"imbrace-{profile.id}"[:limit]

    def create_user(self, profile: ImbraceProfile) -> UserType:
        """Create the local user for a first sign-in (unusable password, set only here).

        Fills ``USERNAME_FIELD`` (see :meth:`get_username`), the e-mail field, and
        ``first_name``/``last_name`` when the user model has them.
        """
        user_model = get_user_model()
        fields: dict[str, Any] = {user_model.USERNAME_FIELD: self.get_username(profile)}
        fields.update(self._profile_fields(user_model, profile))
        user = user_model(**fields)
        user.set_unusable_password()
        user.save()
        return user

    def update_user(self, user: UserType, profile: ImbraceProfile) -> UserType:
        """Refresh e-mail and names from Imbrace on a later sign-in (the password is kept)."""
        changed = {
            name: value
            for name, value in self._profile_fields(type(user), profile).items()
            if getattr(user, name) != value
        }
        if changed:
            for name, value in changed.items():
                setattr(user, name, value)
            try:
                with transaction.atomic():
                    user.save(update_fields=list(changed))
            except IntegrityError:
                logger.warning("imbrace sign-in: could not update a local user (conflict)")
                user.refresh_from_db()
        return user

    @staticmethod
    def _profile_fields(user_model: type[models.Model], profile: ImbraceProfile) -> dict[str, str]:
        fields: dict[str, str] = {}
        email_name = getattr(user_model, "get_email_field_name", lambda: "email")()
        wanted = {email_name: profile.email, "first_name": profile.first_name}
        wanted["last_name"] = profile.last_name
        for name, value in wanted.items():
            model_field = _field(user_model, name)
            if model_field is not None and getattr(model_field, "concrete", False):
                if name == email_name and not value:
                    continue
                fields[name] = _fit(value, model_field)
        return fields
