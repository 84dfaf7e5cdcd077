"""``python -m django_imbrace.sandbox``: run the sandbox gateway until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType
from typing import Protocol

from .gateway import SandboxGateway
from .seed import SEEDS


class Writer(Protocol):
    """Where the CLI prints: a text stream or Django's ``OutputWrapper``."""

    def write(self, text: str, /) -> object: ...

    def flush(self) -> None: ...


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """The CLI options (also used by the ``imbrace_sandbox`` management command)."""
    parser = parser or argparse.ArgumentParser(
        prog="python -m django_imbrace.sandbox",
        description="Run a local Imbrace gateway with demo data.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port; 0 picks a free one (8765)")
    parser.add_argument("--seed", choices=SEEDS, default="demo", help="starting data (demo)")
    parser.add_argument(
        "--print-codes", action="store_true", help="print each one-time code when it is sent"
    )
    return parser


def describe(gateway: SandboxGateway, out: Writer) -> None:
    """Print the URL (first line) and the seeded accounts, organizations and keys."""
    out.write(f"Imbrace sandbox gateway running at {gateway.url}\n")
    info = gateway.seed_info()
    names = {org["id"]: org["name"] for org in info["organizations"]}
    for org in info["organizations"]:
        out.write(f"  organization {org['name']}: {org['id']}\n")
        for key in org["api_keys"]:
            out.write(f"    API key: {key}\n")
    for user in info["users"]:
        orgs = ", ".join(names[o] for o in user["organizations"]) or "no organization"
        state = "" if user["active"] else " (deactivated)"
        out.write(f"  user {user['email']} / {user['password']} - {orgs}{state}\n")
    out.write("Codes: GET /__sandbox__/outbox. Press Ctrl-C to stop.\n")
    out.flush()


def serve(gateway: SandboxGateway, out: Writer) -> int:
    """Start ``gateway``, describe it, and block until Ctrl-C or SIGTERM; returns 0."""
    stopped = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, on_signal)
    gateway.start()
    try:
        describe(gateway, out)
        while not stopped.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        gateway.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    out.write("Imbrace sandbox gateway stopped.\n")
    out.flush()
    return 0


def main(argv: Sequence[str] | None = None, out: Writer | None = None) -> int:
    """Parse ``argv`` and serve; the exit status."""
    options = build_parser().parse_args(argv)
    gateway = SandboxGateway(
        options.seed, host=options.host, port=options.port, print_codes=options.print_codes
    )
    return serve(gateway, out or sys.stdout)
