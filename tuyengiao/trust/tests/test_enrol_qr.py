"""The two-factor enrolment QR scales as a whole (issue 11.4): an SVG with a viewBox and no
fixed size, so CSS can fit it to a phone without cropping it."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client


def test_enrol_qr_has_a_viewbox_and_no_fixed_size(world: Any) -> None:
    client = Client()
    client.force_login(world.users["province"])
    html = client.get("/an-toan/hai-lop/").content.decode()
    svg = re.search(r"<svg[^>]*>", html)
    assert svg is not None
    tag = svg.group(0)
    assert re.search(r'viewBox="0 0 (\d+) \1"', tag), tag
    assert "width=" not in tag and "height=" not in tag
