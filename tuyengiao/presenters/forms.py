from __future__ import annotations

from django import forms

from tuyengiao.orgs.models import Unit

from .models import (
    CourseResult,
    DisseminationForm,
    MaterialKind,
    PresenterLevel,
    PresenterStatus,
    Theory,
)

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class PresenterForm(forms.Form):
    code = forms.CharField(label="Mã báo cáo viên", max_length=64)
    member_code = forms.CharField(
        label="Mã đảng viên (nếu là đảng viên)", max_length=64, required=False
    )
    full_name = forms.CharField(
        label="Họ và tên",
        max_length=255,
        required=False,
        help_text="để trống thì lấy họ tên của đảng viên",
    )
    level = forms.ModelChoiceField(
        label="Cấp", queryset=PresenterLevel.objects.all(), to_field_name="code"
    )
    unit = forms.ModelChoiceField(
        label="Đơn vị công nhận",
        queryset=Unit.objects.none(),
        to_field_name="code",
        error_messages={"invalid_choice": "Hãy chọn đơn vị trong danh sách tìm được."},
    )
    status = forms.ModelChoiceField(
        label="Trạng thái", queryset=PresenterStatus.objects.all(), to_field_name="code"
    )
    valid_from = forms.DateField(label="Từ ngày", input_formats=DATE_FORMATS, required=False)
    valid_until = forms.DateField(label="Đến ngày", input_formats=DATE_FORMATS, required=False)
    decision_symbol = forms.CharField(
        label="Số quyết định công nhận", max_length=100, required=False
    )
    theory = forms.ChoiceField(
        label="Lý luận chính trị", choices=[("", "—"), *Theory.choices], required=False
    )
    degree = forms.CharField(label="Chuyên môn (bằng cao nhất)", max_length=100, required=False)
    topics = forms.CharField(label="Lĩnh vực báo cáo", max_length=500, required=False)
    languages = forms.CharField(
        label="Ngôn ngữ (ngoài tiếng Việt)",
        max_length=255,
        required=False,
        help_text="cách nhau bằng dấu chấm phẩy, ví dụ: Mông; Dao",
    )


UNIT_ERRORS = {"required": "Hãy chọn đơn vị."}


class EventForm(forms.Form):
    code = forms.CharField(label="Mã buổi", max_length=64)
    unit = forms.CharField(label="Đơn vị", max_length=64, error_messages=UNIT_ERRORS)
    date = forms.DateField(label="Ngày", input_formats=DATE_FORMATS)
    form = forms.ModelChoiceField(
        label="Hình thức",
        queryset=DisseminationForm.objects.all(),
        to_field_name="code",
        required=False,
        empty_label="—",
    )
    presenters = forms.CharField(
        label="Báo cáo viên",
        max_length=1000,
        required=False,
        help_text="mã báo cáo viên trong danh sách, cách nhau bằng dấu chấm phẩy",
    )
    document_symbol = forms.CharField(
        label="Số hiệu văn bản được tuyên truyền", max_length=100, required=False
    )
    language = forms.CharField(
        label="Ngôn ngữ", max_length=50, required=False, help_text="để trống: tiếng Việt"
    )
    listeners = forms.IntegerField(label="Số lượt người nghe", min_value=0)


class CourseForm(forms.Form):
    code = forms.CharField(label="Mã lớp", max_length=64)
    title = forms.CharField(label="Tên lớp", max_length=255)
    unit = forms.CharField(label="Đơn vị tổ chức", max_length=64, error_messages=UNIT_ERRORS)
    date_from = forms.DateField(label="Từ ngày", input_formats=DATE_FORMATS)
    date_to = forms.DateField(label="Đến ngày", input_formats=DATE_FORMATS, required=False)
    extra_participants = forms.IntegerField(
        label="Số lượt học viên không ghi tên",
        min_value=0,
        required=False,
        help_text="người tham dự không có trong danh sách học viên",
    )


class LearnerForm(forms.Form):
    presenter = forms.CharField(label="Mã báo cáo viên", max_length=64, required=False)
    member = forms.CharField(label="Mã đảng viên", max_length=64, required=False)
    result = forms.ChoiceField(
        label="Kết quả", choices=[("", "—"), *CourseResult.choices], required=False
    )


class MaterialForm(forms.Form):
    code = forms.CharField(label="Mã tài liệu", max_length=64)
    title = forms.CharField(label="Tên tài liệu", max_length=255)
    kind = forms.ChoiceField(label="Loại", choices=MaterialKind.choices)
    unit = forms.CharField(label="Đơn vị phát hành", max_length=64, error_messages=UNIT_ERRORS)
    date = forms.DateField(label="Ngày phát hành", input_formats=DATE_FORMATS)
    document_symbol = forms.CharField(
        label="Số hiệu văn bản tài liệu giới thiệu", max_length=100, required=False
    )
    copies = forms.IntegerField(label="Số bản in, phát hành", min_value=0, required=False)
    distributed_to = forms.CharField(
        label="Phát hành tới các đơn vị",
        max_length=2000,
        required=False,
        help_text="mã đơn vị, cách nhau bằng dấu chấm phẩy",
    )
    file = forms.FileField(label="Tệp", required=False)


class UnitLanguagesForm(forms.Form):
    languages = forms.CharField(
        label="Ngôn ngữ của nhân dân trên địa bàn (ngoài tiếng Việt)",
        max_length=500,
        required=False,
        help_text="cách nhau bằng dấu chấm phẩy, ví dụ: Mông; Dao",
    )
