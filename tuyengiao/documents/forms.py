"""The register/edit form: field parsing only; the rules live in the services."""

from __future__ import annotations

from django import forms

from tuyengiao.lib.refs import KIND_CODES

from .models import Status

KIND_CHOICES = sorted(KIND_CODES)


class DocumentForm(forms.Form):
    symbol = forms.CharField(
        label="Số hiệu",
        max_length=64,
        help_text="Gõ như trên văn bản: 57-NQ/TW, 15-KH/BTGDVTU, 30/2020/NĐ-CP, 1327/QĐ-TTg.",
        error_messages={"required": "Nhập số hiệu văn bản (ví dụ 57-NQ/TW)."},
    )
    issue_date = forms.DateField(
        label="Ngày ban hành",
        required=False,
        help_text="dd/mm/yyyy. Cần để phân biệt văn bản Đảng cùng số ở các nhiệm kỳ.",
    )
    kind = forms.CharField(
        label="Loại văn bản",
        max_length=64,
        required=False,
        help_text="Để trống: lấy theo mã loại trong số hiệu.",
    )
    issuer_name = forms.CharField(label="Cơ quan ban hành", max_length=255, required=False)
    title = forms.CharField(label="Trích yếu", widget=forms.Textarea(attrs={"rows": 2}))
    body = forms.CharField(
        label="Nội dung", widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    status = forms.ChoiceField(label="Trạng thái", choices=Status.choices, initial=Status.IN_FORCE)
