"""Issue 12.9: every environment variable that ``config/settings.py`` reads is in
``docs/configuration.md``."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READS = re.compile(
    r"""(?:os\.environ\.get|env_bool|env_list|env_int)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def test_every_variable_settings_reads_is_documented() -> None:
    read = set(READS.findall((ROOT / "config" / "settings.py").read_text()))
    documented = set(
        re.findall(
            r"^\| `([A-Z][A-Z0-9_]+)` \|", (ROOT / "docs" / "configuration.md").read_text(), re.M
        )
    )
    assert {"DATABASE_URL", "UPLOAD_MAX_BYTES", "CHECKIN_TOKEN_SECONDS"} <= read
    assert sorted(read - documented) == []
