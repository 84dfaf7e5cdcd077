"""The wheel ships what the app needs at run time: templates, translations, static, py.typed."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("django_imbrace-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


@pytest.mark.parametrize(
    "name",
    [
        "django_imbrace/py.typed",
        "django_imbrace/templates/django_imbrace/base.html",
        "django_imbrace/templates/django_imbrace/layouts/base.html",
        "django_imbrace/templates/django_imbrace/unavailable.html",
        "django_imbrace/static/django_imbrace/imbrace.css",
        "django_imbrace/locale/vi/LC_MESSAGES/django.po",
        "django_imbrace/locale/vi/LC_MESSAGES/django.mo",
        "django_imbrace/migrations/0001_initial.py",
        "django_imbrace/sandbox/__main__.py",
    ],
)
def test_wheel_ships_runtime_files(wheel_names: set[str], name: str) -> None:
    assert name in wheel_names


def test_wheel_leaves_out_the_project_scaffolding(wheel_names: set[str]) -> None:
    assert not {n for n in wheel_names if n.startswith(("tests/", "example_project/"))}
