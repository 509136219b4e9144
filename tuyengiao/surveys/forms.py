from __future__ import annotations

from django import forms

from .services import MAX_CODES

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
MAX_FORM_BYTES = 2 * 1024 * 1024  # an XLSForm is a few KB; 2 MB is generous


class SurveyForm(forms.Form):
    form_file = forms.FileField(
        label="Tệp XLSForm (.xlsx: các trang survey, choices, settings)",
        help_text="Mẫu của KoboToolbox/ODK; settings.form_id là mã khảo sát.",
    )
    date_from = forms.DateField(label="Từ ngày", input_formats=DATE_FORMATS)
    date_to = forms.DateField(label="Đến ngày", input_formats=DATE_FORMATS)
    threshold = forms.IntegerField(
        label="Ngưỡng ẩn k",
        min_value=2,
        max_value=100,
        initial=5,
        help_text="Không công bố số liệu của nhóm ít hơn k người trả lời (mặc định 5).",
    )
    single_use = forms.BooleanField(
        label="Mỗi người trả lời một lần (phát mã dùng một lần)", required=False
    )

    def clean_form_file(self) -> object:
        upload = self.cleaned_data["form_file"]
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise forms.ValidationError("Hãy chọn tệp Excel .xlsx (XLSForm).")
        if (upload.size or 0) > MAX_FORM_BYTES:
            raise forms.ValidationError("Tệp XLSForm lớn quá 2 MB.")
        return upload


class CodesForm(forms.Form):
    count = forms.IntegerField(label="Số mã cần tạo", min_value=1, max_value=MAX_CODES, initial=50)
