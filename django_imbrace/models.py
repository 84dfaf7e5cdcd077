"""The link between a Django user and the Imbrace account that signs in as them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImbraceIdentity(models.Model):
    """One Imbrace account (by its stable public user id) owns one local user.

    Users are always found through ``imbrace_user_id``, never by e-mail: addresses
    change, and case-insensitive e-mail matching is unsafe (``"m\\u0131ke".upper() == "MIKE"``).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="imbrace_identity",
        verbose_name=_("user"),
    )
    imbrace_user_id = models.CharField(_("Imbrace user id"), max_length=191, unique=True)
    email = models.EmailField(_("e-mail at Imbrace"), max_length=254, blank=True)
    organization_id = models.CharField(_("last organization id"), max_length=191, blank=True)
    created_at = models.DateTimeField(_("first sign-in"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("last sign-in"), auto_now=True)

    class Meta:
        verbose_name = _("Imbrace identity")
        verbose_name_plural = _("Imbrace identities")

    def __str__(self) -> str:
        return f"{self.imbrace_user_id} ({self.email})"
