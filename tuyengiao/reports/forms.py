from __future__ import annotations

from typing import Any

from django import forms

from .models import ReportFormat, Structure

# JSON is for the API and the command line; the web form offers the documents people read.
WEB_FORMATS = [c for c in ReportFormat.choices if c[0] != ReportFormat.JSON]


class ReportForm(forms.Form):
    unit = forms.CharField(label="Đơn vị", max_length=64)
    date_from = forms.DateField(label="Từ ngày", input_formats=["%d/%m/%Y"])
    date_to = forms.DateField(label="Đến ngày", input_formats=["%d/%m/%Y"])
    structure = forms.ChoiceField(
        label="Cơ cấu tổ chức", choices=Structure.choices, initial=Structure.TODAY
    )
    format = forms.ChoiceField(label="Định dạng", choices=WEB_FORMATS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError(
                f"Khoảng thời gian không hợp lệ: 'đến ngày' ({end:%d/%m/%Y}) đứng trước "
                f"'từ ngày' ({start:%d/%m/%Y})."
            )
        return data
