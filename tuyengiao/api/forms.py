from __future__ import annotations

from django import forms

from tuyengiao.orgs.models import Unit


class KeyForm(forms.Form):
    name = forms.CharField(
        label="Tên khóa",
        max_length=120,
        help_text="Hệ thống hoặc người sẽ dùng khóa, để biết ai đang đọc, ghi.",
    )
    unit = forms.ModelChoiceField(
        label="Đơn vị",
        queryset=Unit.objects.none(),
        to_field_name="code",
        error_messages={"invalid_choice": "Hãy chọn đơn vị trong danh sách tìm được."},
    )
    can_write = forms.BooleanField(label="Được ghi điểm danh (để trống: chỉ đọc)", required=False)
    days = forms.IntegerField(label="Thời hạn (ngày)", min_value=1, initial=90)
