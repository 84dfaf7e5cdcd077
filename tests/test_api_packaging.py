"""The wheel ships the API, its OpenAPI document and the optional DRF module."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_the_api(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("django_imbrace-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        requires = archive.read(metadata).decode()
    assert {
        "django_imbrace/api/openapi.json",
        "django_imbrace/api/views.py",
        "django_imbrace/contrib/drf.py",
    } <= names
    assert "Provides-Extra: drf" in requires
    assert "Requires-Dist: djangorestframework>=3.15; extra == 'drf'" in requires
