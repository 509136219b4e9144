from __future__ import annotations

from django import forms

from tuyengiao.orgs.models import Unit

from .models import PresenterLevel, PresenterStatus, Theory

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
