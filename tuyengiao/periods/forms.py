from __future__ import annotations

from django import forms

from .models import PeriodKind

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class PeriodForm(forms.Form):
    kind = forms.ChoiceField(label="Loại kỳ", choices=PeriodKind.choices)
    name = forms.CharField(
        label="Tên kỳ báo cáo", max_length=200, help_text="ví dụ: Quý I năm 2026"
    )
    date_from = forms.DateField(label="Từ ngày", input_formats=DATE_FORMATS)
    cutoff = forms.DateField(label="Số liệu tính đến ngày", input_formats=DATE_FORMATS)
    due_date = forms.DateField(label="Hạn nộp báo cáo", input_formats=DATE_FORMATS)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Lý do", max_length=1000)
