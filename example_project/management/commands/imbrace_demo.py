"""``python manage.py imbrace_demo``: the example site on a built-in sandbox gateway."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from django_imbrace.conf import conf
from django_imbrace.sandbox import SandboxGateway


class Command(BaseCommand):
    help = (
        "Migrate the database, start the sandbox Imbrace gateway with demo accounts, "
        "and serve the example site until Ctrl-C."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    # The checks run once the site points at the sandbox (runserver runs them).
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        gateway = SandboxGateway(seed="demo", print_codes=True).start()
        try:
            self._point_site_at(gateway)
            call_command("migrate", interactive=False, verbosity=0, skip_checks=True)
            self._print_accounts(gateway, options["addrport"])
            call_command("runserver", options["addrport"], use_reloader=False)
        finally:
            gateway.stop()

    def _point_site_at(self, gateway: SandboxGateway) -> None:
        settings.IMBRACE_GATEWAY = gateway.url
        if not getattr(settings, "IMBRACE_API_KEY", None):
            first_org = gateway.organizations[0]
            settings.IMBRACE_API_KEY = gateway.api_keys(first_org.id)[0]

    def _print_accounts(self, gateway: SandboxGateway, addrport: str) -> None:
        seed = gateway.seed_info()
        names = {org["id"]: org["name"] for org in seed["organizations"]}
        self.stdout.write(self.style.SUCCESS(f"Sandbox Imbrace gateway: {gateway.url}"))
        self.stdout.write("Demo accounts (sign in with the password, or ask for a code):")
        for user in seed["users"]:
            orgs = ", ".join(names.get(org_id, org_id) for org_id in user["organizations"])
            state = "" if user["active"] else "  [deactivated]"
            self.stdout.write(f"  {user['email']:<22} {user['password']:<16} {orgs}{state}")
        self.stdout.write("One-time codes are printed here as they are 'sent'.")
        self.stdout.write(f"Mode: {conf.MODE}. Open http://{addrport}/")
