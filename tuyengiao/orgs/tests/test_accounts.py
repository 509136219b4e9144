"""Members' accounts issued by their units: an account and an activation code on a
printed slip, the member choosing a password with it (``orgs.accounts``)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tuyengiao.orgs import accounts, services
from tuyengiao.orgs.access import SYSTEM, scope_of
from tuyengiao.orgs.models import AccountCode, Assignment, Member, Role

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "Hoc-tap-2026!"


def _fresh(member: Member) -> Member:
    return Member.objects.select_related("user").get(pk=member.pk)


def test_a_secretary_issues_an_account_and_the_member_activates_it(world: Any) -> None:
    member = world.members[1]  # in the secretary's cell, no account yet
    (issued,) = accounts.issue_codes(actor=world.users["secretary"], members=[member])
    assert issued.created and issued.username == member.code
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", issued.printed)
    member = _fresh(member)
    assert member.user is not None and not member.user.has_usable_password()
    assignment = Assignment.objects.get(user=member.user)
    assert (assignment.unit, assignment.role) == (world.cell, Role.MEMBER)
    row = AccountCode.objects.get(user=member.user)
    assert issued.code not in row.digest and row.issued_by == world.users["secretary"]
    days = (row.expires_at - timezone.now()).days
    assert days in (29, 30)

    typed = issued.printed.lower().replace("-", " ")  # as a person might type it
    user = accounts.activate(username=member.code.lower(), code=typed, password=PASSWORD)
    assert user.pk == member.user.pk and user.check_password(PASSWORD)
    assert not AccountCode.objects.filter(user=user).exists()
    with pytest.raises(ValidationError):  # used once
        accounts.activate(username=member.code, code=issued.code, password="Khac-han-2026!")


def test_issuing_again_replaces_the_code_and_keeps_the_password(world: Any) -> None:
    member = world.members[1]
    (first,) = accounts.issue_codes(actor=world.users["commune"], members=[member])
    accounts.activate(username=member.code, code=first.code, password=PASSWORD)
    (second,) = accounts.issue_codes(actor=world.users["commune"], members=[_fresh(member)])
    assert not second.created and second.code != first.code
    user = _fresh(member).user
    assert user is not None and user.check_password(PASSWORD)  # until the new code is used
    assert User.objects.filter(username=member.code).count() == 1
    with pytest.raises(ValidationError):
        accounts.activate(username=member.code, code=first.code, password="Moi-hon-2026!")
    accounts.activate(username=member.code, code=second.code, password="Moi-hon-2026!")
    user.refresh_from_db()
    assert user.check_password("Moi-hon-2026!")


def test_wrong_codes_are_counted_and_void_the_code(world: Any) -> None:
    member = world.members[1]
    (issued,) = accounts.issue_codes(actor=SYSTEM, members=[member])
    for n in range(1, accounts.FAILURE_LIMIT):
        with pytest.raises(ValidationError) as refused:
            accounts.activate(username=member.code, code="AAAABBBBCCCC", password=PASSWORD)
        assert refused.value.messages == [accounts.REFUSED]
        assert AccountCode.objects.get(user__username=member.code).failures == n
    with pytest.raises(ValidationError):
        accounts.activate(username=member.code, code="AAAABBBBCCCC", password=PASSWORD)
    with pytest.raises(ValidationError):  # the right code, too late
        accounts.activate(username=member.code, code=issued.code, password=PASSWORD)


def test_an_expired_code_and_a_weak_password_are_refused(world: Any) -> None:
    member = world.members[1]
    (issued,) = accounts.issue_codes(actor=SYSTEM, members=[member])
    with pytest.raises(ValidationError) as weak:
        accounts.activate(username=member.code, code=issued.code, password="12345678")
    assert weak.value.messages != [accounts.REFUSED]  # the validators' own messages
    assert AccountCode.objects.filter(user__username=member.code).exists()  # not used up
    AccountCode.objects.filter(user__username=member.code).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(ValidationError) as late:
        accounts.activate(username=member.code, code=issued.code, password=PASSWORD)
    assert late.value.messages == [accounts.REFUSED]


def test_only_writers_of_the_members_unit_issue(world: Any) -> None:
    cell2_member = world.members[3]  # in CB2: outside the secretary's cell
    with pytest.raises(PermissionDenied):
        accounts.issue_codes(actor=world.users["secretary"], members=[cell2_member])
    with pytest.raises(PermissionDenied):
        accounts.issue_codes(actor=world.users["outsider"], members=[world.members[1]])
    with pytest.raises(PermissionDenied):
        accounts.issue_codes(actor=world.users["member"], members=[world.members[1]])
    with pytest.raises(PermissionDenied):  # one outside refuses the whole batch
        accounts.issue_codes(
            actor=world.users["secretary"], members=[world.members[1], cell2_member]
        )
    assert not AccountCode.objects.exists()
    assert _fresh(world.members[1]).user is None


def test_a_colleagues_account_is_never_taken_over(world: Any) -> None:
    """The secretary is also a member of the cell: the commune's staff may not reset
    the secretary's account here, nor may anyone reset a superuser's."""
    secretary = world.users["secretary"]
    member = world.members[2]
    services.member_link_account(actor=SYSTEM, member=member, user=secretary)
    with pytest.raises(ValidationError) as refused:
        accounts.issue_codes(actor=world.users["commune"], members=[_fresh(member)])
    assert "vai trò cán bộ" in " ".join(refused.value.messages)
    assert not AccountCode.objects.exists()
    assert scope_of(User.objects.get(pk=secretary.pk)).role == Role.CELL_SECRETARY  # type: ignore[union-attr]


def test_a_code_is_void_once_its_account_is_made_a_staff_account(world: Any) -> None:
    member = world.members[1]
    (issued,) = accounts.issue_codes(actor=world.users["secretary"], members=[member])
    user = _fresh(member).user
    assert user is not None
    services.assignment_set(actor=SYSTEM, user=user, unit=world.cell, role=Role.CELL_SECRETARY)
    with pytest.raises(ValidationError) as refused:
        accounts.activate(username=member.code, code=issued.code, password=PASSWORD)
    assert refused.value.messages == [accounts.REFUSED]
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_a_username_taken_by_another_account_is_listed_and_nothing_written(world: Any) -> None:
    User.objects.create_user(world.members[2].code, password="mat-khau-dai-123")
    with pytest.raises(ValidationError) as refused:
        accounts.issue_codes(actor=SYSTEM, members=[world.members[1], world.members[2]])
    (message,) = refused.value.messages
    assert world.members[2].code in message and "đã là của một tài khoản khác" in message
    assert _fresh(world.members[1]).user is None and not AccountCode.objects.exists()


def test_a_batch_is_bounded(world: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        accounts.issue_codes(actor=SYSTEM, members=[world.members[1]] * (accounts.ISSUE_LIMIT + 1))
    assert "tối đa 200" in refused.value.messages[0]


def test_a_transfer_moves_the_members_account_with_them(world: Any) -> None:
    member = world.members[0]  # linked to the "member" persona, in CB1
    services.member_transfer(
        actor=SYSTEM, member=member, to_unit=world.cell2, on=timezone.localdate()
    )
    assert Assignment.objects.get(user=world.users["member"]).unit == world.cell2


# --- the pages -------------------------------------------------------------------------


def test_issue_print_and_activate_in_the_browser_pages(world: Any, client: Any) -> None:
    client.force_login(world.users["secretary"])
    page = client.get(f"/don-vi/{world.cell.code}/tai-khoan/?loc=chua-co")
    assert page.status_code == 200
    html = page.content.decode()
    assert world.members[1].full_name in html and "chưa có tài khoản" in html
    assert world.members[0].full_name not in html  # has an account: filtered out
    assert "trực thuộc" not in html  # a cell has no units under it
    commune = client.get(f"/don-vi/{world.commune.code}/tai-khoan/")
    assert commune.status_code == 404  # above the secretary's cell

    slips = client.post(
        f"/don-vi/{world.cell.code}/tai-khoan/",
        {"dang_vien": [world.members[1].code, world.members[2].code]},
    )
    assert slips.status_code == 200 and slips["Cache-Control"] == "no-store"
    text = slips.content.decode()
    codes = re.findall(r'class="slip-code">([A-Z2-9-]{14})<', text)
    assert len(codes) == 2 and "http://testserver/kich-hoat/" in text
    client.logout()

    form = client.get("/kich-hoat/")
    assert form.status_code == 200 and "Mã kích hoạt" in form.content.decode()
    mismatch = client.post(
        "/kich-hoat/",
        {
            "username": world.members[1].code,
            "code": codes[0],
            "password1": PASSWORD,
            "password2": PASSWORD + "x",
        },
    )
    assert mismatch.status_code == 400 and "không khớp" in mismatch.content.decode()
    done = client.post(
        "/kich-hoat/",
        {
            "username": world.members[1].code,
            "code": codes[0],
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        follow=True,
    )
    assert done.redirect_chain[-1][0] == "/dang-nhap/"
    assert "Đã đặt mật khẩu cho tài khoản" in done.content.decode()
    signed_in = client.post(
        "/dang-nhap/", {"username": world.members[1].code, "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    assert client.get("/").context["user"].username == world.members[1].code


def test_the_accounts_page_shows_refusals_and_writes_nothing(world: Any, client: Any) -> None:
    client.force_login(world.users["secretary"])
    none = client.post(f"/don-vi/{world.cell.code}/tai-khoan/", {})
    assert none.status_code == 400 and "Chưa chọn đảng viên nào." in none.content.decode()
    unknown = client.post(f"/don-vi/{world.cell.code}/tai-khoan/", {"dang_vien": ["KHONGCO"]})
    assert unknown.status_code == 400 and "KHONGCO" in unknown.content.decode()
    outside = client.post(
        f"/don-vi/{world.cell.code}/tai-khoan/", {"dang_vien": [world.sibling_members[0].code]}
    )
    assert outside.status_code == 400  # not visible: as if it did not exist
    assert not AccountCode.objects.exists()


def test_a_wrong_code_on_the_page_says_so_in_vietnamese(world: Any, client: Any) -> None:
    accounts.issue_codes(actor=SYSTEM, members=[world.members[1]])
    response = client.post(
        "/kich-hoat/",
        {
            "username": world.members[1].code,
            "code": "SAI-SAI-SAI",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 400
    assert accounts.REFUSED in response.content.decode()
    assert AccountCode.objects.get(user__username=world.members[1].code).failures == 1


def test_the_member_page_offers_a_code_to_writers_only(world: Any, client: Any) -> None:
    member = world.members[0]
    client.force_login(world.users["secretary"])
    html = client.get(f"/dang-vien/{member.code}/").content.decode()
    assert "Cấp lại mã kích hoạt" in html and f"/don-vi/{world.cell.code}/tai-khoan/" in html
    client.force_login(world.users["member"])
    assert "mã kích hoạt" not in client.get(f"/dang-vien/{member.code}/").content.decode()


def test_a_writer_locks_and_opens_a_members_account(world: Any, client: Any) -> None:
    member = world.members[0]  # the "member" persona's record
    (issued,) = accounts.issue_codes(actor=world.users["secretary"], members=[member])
    client.force_login(world.users["member"])
    assert client.get("/").status_code == 200
    accounts.account_set_active(actor=world.users["secretary"], member=member, active=False)
    assert client.get("/").status_code == 302  # its session ends at the next request
    assert not AccountCode.objects.exists()  # the code is void
    with pytest.raises(ValidationError) as locked:
        accounts.issue_codes(actor=world.users["secretary"], members=[_fresh(member)])
    assert "đang bị khóa" in locked.value.messages[0]
    with pytest.raises(ValidationError):
        accounts.activate(username=member.code, code=issued.code, password=PASSWORD)
    accounts.account_set_active(actor=world.users["commune"], member=member, active=True)
    assert User.objects.get(pk=world.users["member"].pk).is_active


def test_locking_keeps_to_members_accounts_in_scope(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        accounts.account_set_active(
            actor=world.users["outsider"], member=world.members[0], active=False
        )
    with pytest.raises(PermissionDenied):
        accounts.account_set_active(
            actor=world.users["member"], member=world.members[0], active=False
        )
    services.member_link_account(
        actor=SYSTEM, member=world.members[2], user=world.users["secretary"]
    )
    with pytest.raises(ValidationError):  # the secretary's own account: the administrator's
        accounts.account_set_active(
            actor=world.users["commune"], member=_fresh(world.members[2]), active=False
        )
    assert User.objects.get(pk=world.users["secretary"].pk).is_active


def test_the_member_page_locks_the_account(world: Any, client: Any) -> None:
    member = world.members[0]
    client.force_login(world.users["secretary"])
    page = client.get(f"/dang-vien/{member.code}/").content.decode()
    assert "Khóa tài khoản" in page
    done = client.post(f"/dang-vien/{member.code}/tai-khoan/", {"khoa": "1"}, follow=True)
    assert "Đã khóa tài khoản dangvien" in done.content.decode()
    assert "đã khóa" in done.content.decode() and "Mở khóa tài khoản" in done.content.decode()
    listed = client.get(f"/don-vi/{world.cell.code}/tai-khoan/").content.decode()
    assert "đã khóa" in listed
    client.post(f"/dang-vien/{member.code}/tai-khoan/", {"khoa": "0"})
    assert User.objects.get(pk=world.users["member"].pk).is_active


def test_the_page_counts_every_member_ticked(
    world: Any, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accounts, "ISSUE_LIMIT", 2)
    client.force_login(world.users["commune"])
    codes = [m.code for m in world.members[:4]]
    many = client.post(f"/don-vi/{world.commune.code}/tai-khoan/", {"dang_vien": codes})
    assert many.status_code == 400
    assert "Mỗi lần cấp tối đa 2 đảng viên (đã chọn 4)." in many.content.decode()
    assert not AccountCode.objects.exists()


def test_the_next_members_without_an_account_in_one_press(
    world: Any, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Commune staff issue the commune's accounts a batch at a time, in name order."""
    monkeypatch.setattr(accounts, "ISSUE_LIMIT", 2)
    client.force_login(world.users["commune"])
    url = f"/don-vi/{world.commune.code}/tai-khoan/"
    without = [m for m in world.members if m.user_id is None]  # DV1, DV2, DV3
    first = client.post(url, {"chua_co": "1"})
    assert (
        first.status_code == 200
        and len(re.findall('class="slip-code"', first.content.decode())) == 2
    )
    second = client.post(url, {"chua_co": "1"})
    assert len(re.findall('class="slip-code"', second.content.decode())) == 1
    assert {m.code for m in without} == set(
        AccountCode.objects.values_list("user__username", flat=True)
    )
    done = client.post(url, {"chua_co": "1"})
    assert (
        done.status_code == 400
        and "Mọi đảng viên của đơn vị đã có tài khoản." in done.content.decode()
    )
