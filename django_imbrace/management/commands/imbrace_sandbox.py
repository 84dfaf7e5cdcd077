"""``python manage.py imbrace_sandbox``: run the local Imbrace sandbox gateway."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from django_imbrace.sandbox.cli import build_parser, serve
from django_imbrace.sandbox.gateway import SandboxGateway


class Command(BaseCommand):
    """Same options as ``python -m django_imbrace.sandbox``; serves until Ctrl-C."""

    help = "Run a local Imbrace gateway (sandbox) with demo users, boards and an OTP outbox."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        """``--host``, ``--port``, ``--seed`` and ``--print-codes``."""
        build_parser(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        """Serve until interrupted."""
        gateway = SandboxGateway(
            options["seed"],
            host=options["host"],
            port=options["port"],
            print_codes=options["print_codes"],
        )
        serve(gateway, self.stdout)
