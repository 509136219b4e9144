from __future__ import annotations

from typing import Any

from django import forms

from tuyengiao.lib.codes import validate_code
from tuyengiao.lib.numbers import format_int

from .models import Gender
from .services import MAX_POPULATION


def _on(label: str = "Từ ngày") -> forms.DateField:
    """A date typed dd/mm/yyyy, with the errors in Vietnamese."""
    return forms.DateField(
        label=label,
        error_messages={"invalid": "Ngày phải có dạng dd/mm/yyyy.", "required": "Hãy nhập ngày."},
    )


class MemberForm(forms.Form):
    family_name = forms.CharField(label="Họ", max_length=100, required=False)
    middle_name = forms.CharField(label="Tên đệm", max_length=100, required=False)
    given_name = forms.CharField(
        label="Tên", max_length=100, error_messages={"required": "Hãy nhập tên."}
    )
    gender = forms.ChoiceField(
        label="Giới tính", choices=[("", "—"), *Gender.choices], required=False
    )
    birth_date = forms.DateField(
        label="Ngày sinh",
        required=False,
        error_messages={"invalid": "Ngày phải có dạng dd/mm/yyyy."},
    )
    admission_date = forms.DateField(
        label="Ngày vào Đảng",
        required=False,
        error_messages={"invalid": "Ngày phải có dạng dd/mm/yyyy."},
    )


class ExemptForm(forms.Form):
    exempt = forms.BooleanField(label="Miễn sinh hoạt", required=False)
    on = _on()
    reason = forms.CharField(label="Lý do", max_length=255, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the member page holds this form beside TransferForm, both with
        # a date "on"; one id for both would give the second date's label to the first.
        kwargs.setdefault("auto_id", "mien_%s")
        super().__init__(*args, **kwargs)


class TransferForm(forms.Form):
    unit_code = forms.CharField(
        label="Mã đơn vị chuyển đến", max_length=64, validators=[validate_code]
    )
    on = _on()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "chuyen_%s")
        super().__init__(*args, **kwargs)


class UnitForm(forms.Form):
    population = forms.IntegerField(
        label="Dân số",
        required=False,
        min_value=0,
        max_value=MAX_POPULATION,
        localize=True,  # 12.000 as written in Vietnamese
        error_messages={
            "invalid": "Dân số phải là một số nguyên, ví dụ 12.500.",
            "min_value": "Dân số không được là số âm.",
            "max_value": f"Dân số quá lớn (tối đa {format_int(MAX_POPULATION)}).",
        },
        help_text="để tính tỷ lệ nhân dân được tuyên truyền",
    )
    place = forms.CharField(
        label="Địa danh",
        required=False,
        max_length=100,
        help_text="ghi ở dòng địa danh, ngày tháng của báo cáo (ví dụ: Lai Châu); "
        "để trống thì dùng địa danh của đơn vị cấp trên",
    )


class AddChildForm(forms.Form):
    code = forms.CharField(label="Mã đơn vị", max_length=64, validators=[validate_code])
    name = forms.CharField(label="Tên đơn vị", max_length=255)
    kind = forms.CharField(label="Loại đơn vị", max_length=100, help_text="ví dụ: Chi bộ")
    on = _on("Hiệu lực từ")


class RenameForm(forms.Form):
    name = forms.CharField(label="Tên mới", max_length=255)
    kind = forms.CharField(
        label="Loại đơn vị mới", max_length=100, required=False, help_text="để trống nếu không đổi"
    )
    on = _on()


class MoveForm(forms.Form):
    parent_code = forms.CharField(
        label="Mã đơn vị cấp trên mới", max_length=64, validators=[validate_code]
    )
    on = _on()


class MergeForm(forms.Form):
    into_code = forms.CharField(
        label="Mã đơn vị tiếp nhận", max_length=64, validators=[validate_code]
    )
    on = _on()


class DissolveForm(forms.Form):
    on = _on("Giải thể từ ngày")
    children_to_code = forms.CharField(
        label="Mã đơn vị nhận các đơn vị trực thuộc và đảng viên",
        max_length=64,
        required=False,
        help_text="bắt buộc nếu đơn vị còn đơn vị trực thuộc hoặc đảng viên",
    )


class ActivationForm(forms.Form):
    """A member chooses a password with the activation code on their slip."""

    username = forms.CharField(
        label="Tên đăng nhập",
        max_length=150,
        help_text="In trên phiếu, thường là mã đảng viên.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    code = forms.CharField(
        label="Mã kích hoạt",
        max_length=40,
        help_text="12 ký tự in trên phiếu; gõ chữ hoa hay thường, có dấu gạch hay không đều được.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )
    password1 = forms.CharField(
        label="Mật khẩu mới",
        strip=False,
        max_length=128,
        help_text="Ít nhất 8 ký tự, không toàn chữ số, không quá phổ biến.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Nhập lại mật khẩu mới",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "Hai lần nhập mật khẩu không khớp nhau.")
        return cleaned
