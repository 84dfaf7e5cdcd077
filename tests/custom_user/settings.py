"""``tests.settings`` with ``AUTH_USER_MODEL = "custom_user.EmailUser"``.

Used only by the subprocess run of ``tests/custom_user`` (see ``tests/test_custom_user_model.py``).
"""

from __future__ import annotations

from tests.settings import *  # noqa: F403
from tests.settings import DATABASES, INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.custom_user"]
AUTH_USER_MODEL = "custom_user.EmailUser"

# The main run, which starts this one, holds its own test database: on a database
# server (DATABASE_URL) this run must create another one, not drop that one.
if "sqlite" not in DATABASES["default"]["ENGINE"]:
    _name = DATABASES["default"]["NAME"]
    DATABASES["default"]["TEST"] = {"NAME": f"test_{_name}_custom_user"}
