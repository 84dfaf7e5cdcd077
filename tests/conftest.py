"""Fixture modules: one per area, so each can grow without touching the others."""

pytest_plugins = [
    "django_imbrace.testing",
    "tests.fixtures_sandbox",
    "tests.fixtures_signin",
    "tests.fixtures_request",
    "tests.fixtures_api",
]
