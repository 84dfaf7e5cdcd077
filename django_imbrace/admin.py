"""A read-only admin for the identity links: they are written by sign-ins only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ImbraceIdentity

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[ImbraceIdentity]
else:
    _ModelAdmin = admin.ModelAdmin


@admin.register(ImbraceIdentity)
class ImbraceIdentityAdmin(_ModelAdmin):
    list_display = ("imbrace_user_id", "email", "user", "organization_id", "last_login_at")
    search_fields = ("imbrace_user_id", "email")
    list_select_related = ("user",)
    readonly_fields = (
        "user",
        "imbrace_user_id",
        "email",
        "organization_id",
        "created_at",
        "last_login_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
