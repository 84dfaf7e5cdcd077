"""Fixture modules: one per area, so each can grow without touching the others."""

pytest_plugins = [
    "django_imbrace.testing",
    "tests.fixtures_sandbox",
    "tests.fixtures_signin",
    "tests.fixtures_request",
    "tests.fixtures_api",
]

# tests/custom_user needs another AUTH_USER_MODEL: test_custom_user_model.py runs it apart.
collect_ignore = ["custom_user"]
