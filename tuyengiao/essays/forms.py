from __future__ import annotations

from typing import Any

from django import forms

from .models import Grade, Mode


class RequirementForm(forms.Form):
    document = forms.TypedChoiceField(label="Văn bản thu hoạch", coerce=int)
    deadline_day = forms.DateField(label="Hạn nộp (ngày)", input_formats=["%d/%m/%Y"])
    deadline_time = forms.TimeField(
        label="Giờ", input_formats=["%H:%M"], required=False, initial="23:59"
    )
    mode = forms.ChoiceField(label="Cách chấm", choices=Mode.choices, widget=forms.RadioSelect)
    rubric = forms.CharField(
        label="Thang điểm (mỗi dòng một tiêu chí: Tên: Mức=điểm; Mức=điểm)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    blind = forms.BooleanField(
        label="Chấm ẩn danh (người chấm không thấy tên tác giả)", required=False
    )
    instructions = forms.CharField(
        label="Yêu cầu, gợi ý", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, documents: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].choices = documents  # type: ignore[attr-defined]


class SimpleGradeForm(forms.Form):
    grade = forms.ChoiceField(
        label="Xếp loại", choices=[("", "— chưa chọn —"), *Grade.choices], required=False
    )
