from __future__ import annotations

from django import forms

from tuyengiao.orgs.models import Unit

from .models import AwardKind, MediaKind

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def _date(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        required=required,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        ),
    )


def _unit(label: str) -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(
        label=label,
        queryset=Unit.objects.none(),
        to_field_name="code",
        error_messages={"invalid_choice": "Hãy chọn đơn vị trong danh sách tìm được."},
    )


class MediaForm(forms.Form):
    unit = _unit("Đơn vị")
    date_from = _date("Từ ngày")
    date_to = _date("Đến ngày")
    kind = forms.ModelChoiceField(
        label="Loại", queryset=MediaKind.objects.all(), to_field_name="code"
    )
    language = forms.CharField(
        label="Ngôn ngữ", max_length=100, required=False, help_text="để trống: tiếng Việt"
    )
    count = forms.IntegerField(label="Số lượng", min_value=0, max_value=10_000_000)
    minutes = forms.IntegerField(
        label="Thời lượng (phút)", min_value=0, max_value=100_000_000, required=False
    )
    document_symbol = forms.CharField(
        label="Số hiệu văn bản được tuyên truyền",
        max_length=100,
        required=False,
        help_text="ví dụ: 57-NQ/TW; để trống nếu không gắn với văn bản nào",
    )


class AwardForm(forms.Form):
    code = forms.CharField(label="Mã", max_length=64)
    kind = forms.ModelChoiceField(
        label="Loại", queryset=AwardKind.objects.all(), to_field_name="code"
    )
    name = forms.CharField(
        label="Tên", max_length=500, help_text="tên hình thức khen, điển hình hoặc mô hình"
    )
    unit = _unit("Đơn vị")
    member_code = forms.CharField(
        label="Mã đảng viên (nếu khen một đảng viên)", max_length=64, required=False
    )
    person_name = forms.CharField(
        label="Họ và tên (người không phải đảng viên)", max_length=255, required=False
    )
    date = _date("Ngày")
    decision_symbol = forms.CharField(label="Số quyết định", max_length=100, required=False)
    document_symbol = forms.CharField(
        label="Số hiệu văn bản liên quan",
        max_length=100,
        required=False,
        help_text="văn bản mà thành tích, mô hình gắn với (nếu có)",
    )
