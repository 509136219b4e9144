"""Members' accounts, issued by their own units: the service of every door.

A member needs an account to check in by QR, hand in an essay and see their own
history. At the scale of a province (hundreds of thousands of members) accounts
cannot be made one at a time by the system administrator, so the writers of a
unit (commune staff, a cell's secretary, province staff) issue them for the
members of their subtree:

- ``issue_codes`` makes the account of each member who has none (the username is
  the member's code, no password, the member's role bound to their current unit,
  the record linked) and gives every member named a new **activation code**, to
  print on a slip and hand over. Issuing again for a member who has an account
  (forgotten password, lost slip) replaces the code; the password in use stays
  until the new code is used. Only a member's own account is handled here: an
  account with any other role (a secretary who is also a member) is refused, so a
  writer can never take over a colleague's or a superior's account this way.
- ``activate`` is the member's side, without signing in: the username, the code
  and a new password (Django's password validators). The code is used once; it is
  void after ``FAILURE_LIMIT`` wrong tries or ``settings.ACCOUNT_CODE_DAYS`` days.

Only a keyed digest of a code is stored (HMAC-SHA-256 with the secret key): a code
carries 60 random bits and can be tried five times, so a slow password hash would
add nothing but seconds to issuing a cell's codes. Permissions live here
(``check_member_write``, ``PermissionDenied``); every refusal of a batch is listed
and nothing is written (``ValidationError``).
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from tuyengiao.lib.actors import account_of
from tuyengiao.lib.codes import paper_code, typed_paper_code
from tuyengiao.lib.numbers import format_int

from . import access
from .models import AccountCode, Assignment, Member, Membership, Role, Unit, valid_on_q
from .services import Actor

CODE_LENGTH = 12  # 60 bits of lib.codes.PAPER_ALPHABET
FAILURE_LIMIT = 5
ISSUE_LIMIT = 200  # members a request: a page of the unit's list is 50
_SALT = "tuyengiao.orgs.accounts.activation"

REFUSED = (
    "Tên đăng nhập hoặc mã kích hoạt không đúng, hoặc mã đã hết hạn, đã dùng hay đã bị "
    "khóa vì nhập sai nhiều lần. Xin chi bộ hoặc đảng ủy cấp mã mới."
)


@dataclass(frozen=True)
class IssuedCode:
    """A code as printed on a member's slip (shown once, never stored)."""

    member: Member
    unit: Unit
    username: str
    code: str
    expires_at: dt.datetime
    created: bool  # a new account (else a new code for the member's account)

    @property
    def printed(self) -> str:
        """The code in groups of four, as on the slip: ``ABCD-EFGH-JKLM``."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))


def clean_code(raw: str) -> str:
    """A code as typed: spaces, dashes and case do not matter."""
    return typed_paper_code(raw, CODE_LENGTH * 2)


def _digest(user_id: int, code: str) -> str:
    return salted_hmac(_SALT, f"{user_id}:{code}", algorithm="sha256").hexdigest()


def _new_code() -> str:
    return paper_code(CODE_LENGTH)


def _refusals(actor: Actor, members: Sequence[Member], units: dict[int, Unit]) -> list[str]:
    """Why each member cannot be given a code (empty: all can)."""
    if not members:
        return ["Chưa chọn đảng viên nào."]
    if len(members) > ISSUE_LIMIT:
        return [
            f"Mỗi lần cấp tối đa {format_int(ISSUE_LIMIT)} đảng viên "
            f"(đã chọn {format_int(len(members))})."
        ]
    if not access.is_system(actor):
        editable = access.members_editable_by(actor, [m.pk for m in members])
        outside = [m.code for m in members if m.pk not in editable]
        if outside:
            raise PermissionDenied(
                "Bạn không có quyền cấp tài khoản cho đảng viên " + ", ".join(outside) + "."
            )
    not_members = _not_member_accounts({m.user_id for m in members if m.user_id is not None})
    taken = set(
        User.objects.filter(
            username__in=[m.code for m in members if m.user_id is None]
        ).values_list("username", flat=True)
    )
    errors = []
    for member in members:
        label = f"{member.code} ({member.full_name})"
        if member.pk not in units:
            errors.append(f"{label}: không sinh hoạt ở đơn vị nào hôm nay.")
        elif member.user_id is None and member.code in taken:
            errors.append(
                f"{label}: tên đăng nhập {member.code} đã là của một tài khoản khác; "
                "xin quản trị hệ thống gắn tài khoản đó với đảng viên hoặc đổi tên."
            )
        elif member.user_id in not_members:
            errors.append(
                f"{label}: tài khoản của đồng chí có vai trò cán bộ; chỉ quản trị hệ thống "
                "đặt lại được."
            )
        elif member.user is not None and not member.user.is_active:
            errors.append(f"{label}: tài khoản đang bị khóa; mở khóa trước khi cấp mã.")
    return errors


def _not_member_accounts(user_ids: set[int]) -> set[int]:
    """Of these accounts, those that are more than a member's: a superuser, a staff
    account, or one with another role. Their passwords are the administrator's."""
    powerful = User.objects.filter(Q(is_superuser=True) | Q(is_staff=True), pk__in=user_ids)
    other_role = Assignment.objects.filter(user_id__in=user_ids).exclude(role=Role.MEMBER)
    return set(powerful.values_list("pk", flat=True)) | set(
        other_role.values_list("user_id", flat=True)
    )


@transaction.atomic
def issue_codes(*, actor: Actor, members: Sequence[Member]) -> list[IssuedCode]:
    """An account for each member without one and a new activation code for each,
    in the order given. All or nothing: a refusal of any member is listed with
    the others' and nothing is written."""
    today = timezone.localdate()
    # the members' rows locked: two writers issuing for one member at once make one account
    locked = Member.objects.select_for_update(of=("self",)).filter(pk__in=[m.pk for m in members])
    current = {m.pk: m for m in locked.select_related("user")}
    members = [current.get(m.pk, m) for m in members]
    units = {
        row.member_id: row.unit
        for row in Membership.objects.filter(
            valid_on_q(today), member_id__in=[m.pk for m in members]
        ).select_related("unit")
    }
    errors = _refusals(actor, members, units)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    expires = now + dt.timedelta(days=settings.ACCOUNT_CODE_DAYS)
    issuer = account_of(actor)
    issued = []
    for member in members:
        unit = units[member.pk]
        created = member.user_id is None
        if created:
            user = User(username=member.code, first_name=member.full_name[:150])
            user.set_unusable_password()
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError as exc:  # the username taken since it was checked
                raise ValidationError(
                    f"{member.code}: tên đăng nhập vừa được một tài khoản khác dùng; "
                    "tải lại trang và cấp lại."
                ) from exc
            member.user = user
            member.save(update_fields=["user"])
        else:
            user = member.user  # type: ignore[assignment]  # user_id is set
        Assignment.objects.update_or_create(user=user, defaults={"unit": unit, "role": Role.MEMBER})
        code = _new_code()
        AccountCode.objects.update_or_create(
            user=user,
            defaults={
                "digest": _digest(user.pk, code),
                "issued_at": now,
                "expires_at": expires,
                "issued_by": issuer,
                "failures": 0,
            },
        )
        issued.append(IssuedCode(member, unit, user.username, code, expires, created))
    return issued


def activate(*, username: str, code: str, password: str) -> User:
    """The member chooses a password with their activation code. One refusal for
    every wrong username, code, expired or void code (``REFUSED``: nothing tells
    which part was wrong); a wrong code counts towards its ``FAILURE_LIMIT`` even
    though the call fails. The password is checked by Django's validators."""
    typed = clean_code(code)
    name = (username or "").strip()
    user = None
    for candidate in dict.fromkeys([name, name.upper(), name.lower()]):  # exact, indexed
        user = User.objects.filter(username=candidate).first()
        if user is not None:
            break
    if user is None or not user.is_active or not typed or _not_member_accounts({user.pk}):
        # an account made more than a member's since its code was issued: void
        raise ValidationError(REFUSED)
    with transaction.atomic():
        row = AccountCode.objects.select_for_update().filter(user=user).first()
        if row is None or row.expires_at <= timezone.now():
            raise ValidationError(REFUSED)
        if not hmac.compare_digest(row.digest, _digest(user.pk, typed)):
            if row.failures + 1 >= FAILURE_LIMIT:
                row.delete()
            else:
                row.failures += 1
                row.save(update_fields=["failures"])
            wrong = True
        else:
            wrong = False
            password_validation.validate_password(password, user)
            user.set_password(password)
            user.save(update_fields=["password"])
            row.delete()
    if wrong:  # raised after the commit, so that the try is counted
        raise ValidationError(REFUSED)
    return user


def code_states(user_ids: Sequence[int]) -> dict[int, AccountCode]:
    """The live codes of these accounts, for the unit's list."""
    return {row.user_id: row for row in AccountCode.objects.filter(user_id__in=user_ids)}


@transaction.atomic
def account_set_active(*, actor: Actor, member: Member, active: bool) -> User:
    """Lock a member's account (a lost phone, a member who left) or open it again, by
    the writers of the member's unit. Locked, it signs in nowhere and its sessions end
    (Django refuses an inactive account on every request), and its activation code is
    void; opened, its password works again. Only a member's own account, as for codes."""
    if not access.is_system(actor) and not access.members_editable_by(actor, [member.pk]):
        raise PermissionDenied(
            f"Bạn không có quyền thay đổi tài khoản của đảng viên {member.code}."
        )
    user = member.user
    if user is None:
        raise ValidationError(f"Đảng viên {member.code} chưa có tài khoản.")
    if _not_member_accounts({user.pk}):
        raise ValidationError(
            f"Tài khoản {user.get_username()} có vai trò cán bộ; chỉ quản trị hệ thống "
            "khóa hoặc mở được."
        )
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
    if not active:
        AccountCode.objects.filter(user=user).delete()
    return user
