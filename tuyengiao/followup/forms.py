from __future__ import annotations

from django import forms

from tuyengiao.orgs.models import Unit

from .models import Kind

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
UNIT_ERRORS = {"invalid_choice": "Hãy chọn đơn vị trong danh sách tìm được."}


def _date(label: str, required: bool = False) -> forms.DateField:
    return forms.DateField(label=label, input_formats=DATE_FORMATS, required=required)


class ProgrammeForm(forms.Form):
    """The document and what it implements come from the document pickers (ids), the
    unit from the unit picker (code); the view resolves them in the user's scope."""

    unit = forms.ModelChoiceField(
        label="Đơn vị ban hành",
        queryset=Unit.objects.none(),
        to_field_name="code",
        error_messages=UNIT_ERRORS,
    )


class TaskForm(forms.Form):
    code = forms.CharField(label="Mã nhiệm vụ", max_length=64)
    content = forms.CharField(label="Nội dung", widget=forms.Textarea(attrs={"rows": 3}))
    unit = forms.ModelChoiceField(
        label="Đơn vị chủ trì",
        queryset=Unit.objects.none(),
        to_field_name="code",
        error_messages=UNIT_ERRORS,
    )
    partners = forms.ModelMultipleChoiceField(
        label="Đơn vị phối hợp",
        queryset=Unit.objects.none(),
        to_field_name="code",
        required=False,
        error_messages={"invalid_choice": "Hãy chọn đơn vị trong danh sách tìm được."},
    )
    assigned_on = _date("Ngày giao")
    deadline = _date("Hạn")
    done_on = _date("Ngày hoàn thành")


class ReportForm(forms.Form):
    note = forms.CharField(
        label="Tóm tắt tiến độ", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    day = _date("Ngày báo cáo")
    done = forms.BooleanField(label="Đã hoàn thành nhiệm vụ", required=False)


class InspectionForm(forms.Form):
    code = forms.CharField(label="Mã cuộc", max_length=64)
    kind = forms.ChoiceField(label="Loại", choices=Kind.choices)
    unit = forms.ModelChoiceField(
        label="Đơn vị thực hiện",
        queryset=Unit.objects.none(),
        to_field_name="code",
        error_messages=UNIT_ERRORS,
    )
    date_from = _date("Từ ngày", required=True)
    date_to = _date("Đến ngày")
    subject = forms.CharField(
        label="Nội dung", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    findings = forms.CharField(
        label="Kết luận", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    recommendations = forms.CharField(
        label="Kiến nghị", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class TargetForm(forms.Form):
    target = forms.ModelChoiceField(
        label="Tổ chức đảng được kiểm tra",
        queryset=Unit.objects.none(),
        to_field_name="code",
        error_messages=UNIT_ERRORS,
    )
    members = forms.IntegerField(label="Số đảng viên", min_value=0, required=False)
    named = forms.CharField(
        label="Mã đảng viên được nêu tên",
        required=False,
        max_length=2000,
        help_text="cách nhau bằng dấu chấm phẩy; để trống nếu chỉ ghi số lượng",
    )
