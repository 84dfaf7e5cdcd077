"""Sign-ins with a custom user model whose ``USERNAME_FIELD`` is the e-mail (issue 3).

``AUTH_USER_MODEL`` cannot change inside one test run, so ``tests/custom_user`` (an
``EmailUser`` model and its tests) runs here in a pytest subprocess with
``--ds=tests.custom_user.settings``. The main run never collects that directory.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPECTED_TESTS = 9  # tests/custom_user/test_email_user.py


def test_sign_ins_with_an_email_custom_user_model() -> None:
    env = {**os.environ}  # DATABASE_URL and CACHE_URL (PostgreSQL, Redis) pass through
    for name in ("DJANGO_SETTINGS_MODULE", "PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER"):
        env.pop(name, None)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--ds=tests.custom_user.settings",
            "tests/custom_user",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    summary = output.strip().splitlines()[-1]
    passed = re.search(r"(\d+) passed", summary)
    assert passed is not None, output
    assert int(passed.group(1)) >= EXPECTED_TESTS, output
    assert not re.search(r"\d+ (failed|errors?|skipped|xfailed|xpassed)\b", summary), output
