"""``python -m benchmarks [--quick] [--json FILE]``: what ``request.imbrace`` costs.

Starts the sandbox gateway in its own process, signs a user in through our pages, then
measures every figure of BENCHMARKS.md, interleaving variants so drift hits all alike.
It prints a Markdown table and asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

import django


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smoke run (< 60 s)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)

    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    django.setup()
    from django.core.management import call_command
    from django.test import override_settings
    from django.test.utils import setup_test_environment

    from . import measures
    from .sandbox_process import SandboxProcess
    from .timing import markdown

    setup_test_environment()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with SandboxProcess() as sandbox, override_settings(IMBRACE_GATEWAY=sandbox.url):
        bench = measures.Bench(sandbox, args.quick)
        rows = []
        for measure in (
            measures.middleware_overhead,
            measures.attach_cost,
            measures.one_call,
            measures.connections_used,
            measures.concurrency,
            measures.sign_in,
            measures.memory,
        ):
            rows += measure(bench)
    elapsed = time.perf_counter() - started
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(
        f"django-imbrace benchmark ({'quick' if args.quick else 'full'}; {machine}; "
        f"Django {django.get_version()}; {elapsed:.0f} s)\n"
    )
    print(markdown(rows))
    if args.json:
        with open(args.json, "w") as out:
            json.dump([row.__dict__ for row in rows], out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
