"""Bad input is a 4xx with a Vietnamese message, never a 500 (issue 10, item 8).

Every named route of ``test_url_walk.ROUTES`` gets, as every query (and, for
POST routes, form) parameter any view or form reads, each hostile value below,
and a NUL byte in each path parameter; the answer must be below 500. The
parameter names are read from the views' and forms' source, so a new parameter
is covered without listing it here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tuyengiao.tests import test_url_walk as walk

ROUTES = walk.ROUTES
# The URL walk's world of objects (built once for this module, media in a temporary folder).
walk_world = walk.walk_world

pytestmark = pytest.mark.django_db

APP = Path(__file__).resolve().parents[2]


def _parameter_names() -> list[str]:
    names: set[str] = set()
    for path in APP.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        if "views" in path.name or "forms" in path.name:
            names |= set(re.findall(r'\.get(?:list)?\(\s*"([a-z_]+)"', source))
        if "forms" in path.name:
            names |= set(re.findall(r"^\s+([a-z_]+) = forms\.", source, re.M))
    return sorted(names)


PARAMETERS = _parameter_names()
HOSTILE = {
    "nul": "a\x00b",
    "far_date": "31/12/9999",
    "zero_date": "00/00/0000",
    "year_one": "01/01/0001",
    "huge_number": "9" * 40,
    "negative": "-1",
    "long": "x" * 5000,
}
PERSONAS = ["province", "secretary"]


def _vietnamese_refusal(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if response.status_code >= 400 and response.get("Content-Type", "").startswith("text/html"):
        body = response.content.decode()
        assert "Bad Request" not in body and "Server Error" not in body, what


def test_the_parameter_list_is_read_from_the_source() -> None:
    assert {"den_ngay", "tu_ngay", "trang", "q", "ma"} <= set(PARAMETERS)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_hostile_values_in_every_parameter(name: str, walk_world: Any, client: Any) -> None:
    route = ROUTES[name]
    url = reverse(name, kwargs=route.own(walk_world))
    for persona in PERSONAS:
        client.force_login(walk_world.users[persona])
        for label, value in HOSTILE.items():
            query = dict.fromkeys(PARAMETERS, value)
            if route.method == "post":
                response = client.post(url, route.data | query)
            else:
                response = client.get(url, query)
            _vietnamese_refusal(response, f"{name} {label} as {persona}")
        client.logout()


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.own is not None))
def test_nul_in_every_path_parameter(name: str, walk_world: Any, client: Any) -> None:
    route = ROUTES[name]
    kwargs = route.own(walk_world)
    client.force_login(walk_world.users["province"])
    for key in kwargs:
        bad = dict(kwargs)
        bad[key] = f"{kwargs[key]}%00"
        url = reverse(name, kwargs=kwargs).replace(str(kwargs[key]), str(bad[key]), 1)
        response = getattr(client, route.method)(url)
        _vietnamese_refusal(response, f"{name} path {key}")


def test_nul_in_a_query_is_a_vietnamese_400(client: Any, walk_world: Any) -> None:
    client.force_login(walk_world.users["province"])
    response = client.get("/don-vi/", {"q": "a\x00"})
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


def test_a_far_date_on_the_audit_log_is_a_message(client: Any, walk_world: Any) -> None:
    client.force_login(walk_world.users["province"])
    response = client.get("/an-toan/nhat-ky/", {"den_ngay": "31/12/9999"})
    assert response.status_code < 500
    assert "Đến ngày" in response.content.decode()


def test_a_utf16_login_post_is_a_vietnamese_400(client: Any, walk_world: Any) -> None:
    body = "username=xa&password=mat-khau-dai-123".encode("utf-16")
    response = client.generic(
        "POST", "/dang-nhap/", body, "application/x-www-form-urlencoded; charset=utf-16"
    )
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


def test_an_unknown_charset_is_a_vietnamese_400(client: Any, walk_world: Any) -> None:
    response = client.generic(
        "POST", "/dang-nhap/", b"username=xa", "application/x-www-form-urlencoded; charset=x"
    )
    assert response.status_code == 400


LONG_NAME = "Tệp " + "a" * 296  # 300 characters before the suffix


def test_a_300_character_attachment_name_is_kept_short(
    client: Any, walk_world: Any, settings: Any, tmp_path: Any
) -> None:
    from tuyengiao.documents.models import Attachment

    settings.MEDIA_ROOT = tmp_path
    client.force_login(walk_world.users["province"])
    response = client.post(
        "/van-ban/dang-ky/",
        {
            "symbol": "12-HD/TU",
            "issue_date": "05/03/2025",
            "title": "Hướng dẫn",
            "body": "",
            "status": "in_force",
            "tep": [SimpleUploadedFile(LONG_NAME + ".txt", "Kế hoạch".encode())],
        },
    )
    assert response.status_code in (302, 422), response.status_code
    for attachment in Attachment.objects.all():
        assert len(attachment.name) <= 255 and attachment.name.endswith(".txt")


def test_a_300_character_import_file_name_is_not_a_500(
    client: Any, walk_world: Any, settings: Any, tmp_path: Any
) -> None:
    from tuyengiao.imports.models import ImportBatch

    settings.MEDIA_ROOT = tmp_path
    client.force_login(walk_world.users["province"])
    upload = SimpleUploadedFile(
        LONG_NAME + ".csv",
        "Mã đơn vị,Tên đơn vị,Mã đơn vị cấp trên,Loại đơn vị,Từ ngày\n"
        "CBN,Chi bộ mới,XA1,Chi bộ,01/07/2025\n".encode(),
    )
    response = client.post("/nhap-du-lieu/", {"file": upload})
    assert response.status_code < 500
    token = response.context["token"] if response.status_code == 200 else ""
    if token:
        confirmed = client.post("/nhap-du-lieu/xac-nhan/", {"token": token})
        assert confirmed.status_code < 500
    for batch in ImportBatch.objects.all():
        assert len(batch.file_name) <= 255 and batch.file_name.endswith(".csv")
