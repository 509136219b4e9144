"""``manage.py check --deploy`` is clean with the production settings of the README."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

# Keep in step with README.md, "Security and data" → production settings.
PRODUCTION_ENV = {
    "DEBUG": "false",
    "HTTPS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SECRET_KEY": "k" * 20 + "Xy9-Q2w_E3r4T5y6U7i8O9p0AaSsDdFfGgHhJjKk",
    "ALLOWED_HOSTS": "tuyengiao.example.vn",
    "CSRF_TRUSTED_ORIGINS": "https://tuyengiao.example.vn",
    "TWO_FACTOR_ENFORCED": "true",
}


def run_check(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    env.update(extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_settings() -> None:
    done = run_check(PRODUCTION_ENV)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_deploy_check_complains_without_https() -> None:
    done = run_check(PRODUCTION_ENV | {"HTTPS": "false"})
    assert done.returncode != 0
    assert "SECURE_SSL_REDIRECT" in done.stderr or "W008" in done.stderr
