"""Read an XLSForm (sheets ``survey``, ``choices``, ``settings``) with pyxform, offline.

``parse_form_unbounded`` is the job of the isolated child (``lib/isolated.py``,
job ``"xlsform"``): the workbook's zip is checked first (``imports.reading.check_xlsx``:
members, actual decompressed size, sheet extents), then pyxform converts it. No
Django here, no network: pyxform reads the bytes it is given.

What comes back is plain JSON: the form's code (``settings.form_id``), title,
version and its questions in order, each with kind, name, label, hint, group,
required and choices. Types the system does not collect are refused with a
Vietnamese reason: anything that would record a place, a picture, a sound, a
device or an account (``geopoint``, ``image``, ``deviceid``, ``username``, ...)
because the surveys are anonymous by design; others (``date``, ``repeat``) simply
are not supported yet. ``relevant`` and ``constraint`` expressions are not
evaluated on the web form.
"""

from __future__ import annotations

import re
from typing import Any

from tuyengiao.lib.isolated import Refused

KINDS = {
    "select one": "select_one",
    "select all that apply": "select_multiple",
    "integer": "integer",
    "text": "text",
    "note": "note",
}

# Would tie an answer to a person, a place or a device: never, in an anonymous survey.
IDENTIFYING = {
    "geopoint",
    "geotrace",
    "geoshape",
    "image",
    "photo",
    "signature",
    "draw",
    "annotate",
    "barcode",
    "audio",
    "video",
    "file",
    "background-audio",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
}

# Metadata a form may ask for that the system simply does not keep (a time of day
# would help tell respondents apart): refused too, so nobody believes it is kept.
TIMESTAMPS = {"start", "end", "today", "dateTime", "time"}


# The child passes on a ``Refused`` as the user's message (``lib/isolated.py``).
FormRefused = Refused


_TRANSLATIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"survey sheet", re.I), "thiếu trang 'survey' hoặc trang đó trống"),
    (
        re.compile(r"list name not in choices sheet: (\S+)", re.I),
        "danh sách lựa chọn '{0}' không có trong trang 'choices'",
    ),
    (re.compile(r"unknown question type '([^']+)'", re.I), "loại câu hỏi '{0}' không tồn tại"),
    (
        re.compile(r"'name' value '([^']+)' is invalid. .*must be unique", re.I),
        "tên (name) '{0}' bị lặp lại",
    ),
    (re.compile(r"duplicate", re.I), "có tên (name) hoặc lựa chọn bị lặp lại"),
    (
        re.compile(r"unmatched '(begin|end)_group'", re.I),
        "nhóm không khớp (thiếu begin_group hoặc end_group)",
    ),
    (re.compile(r"invalid (question )?name|names must begin", re.I), "có tên (name) không hợp lệ"),
]


def _vietnamese(message: str) -> str:
    row = re.search(r"\[row\s*:\s*(\d+)\]|[Rr]ow (\d+)", message)
    number = row and (row.group(1) or row.group(2))
    where = f" (trang survey, dòng {number})" if number else ""
    for pattern, text in _TRANSLATIONS:
        found = pattern.search(message)
        if found:
            groups = [g for g in found.groups() if g]
            reason = text.format(*groups) if "{0}" in text and groups else text
            return (
                f"Biểu mẫu XLSForm không hợp lệ{where}: {reason}. Chi tiết của pyxform: {message}"
            )
    return f"Biểu mẫu XLSForm không hợp lệ{where}. Chi tiết của pyxform: {message}"


def _label(value: Any) -> str:
    """A label as text; of a multilingual label the Vietnamese one (or the first)."""
    if isinstance(value, dict):
        for key, text in value.items():
            if "vi" in key.lower() or "việt" in key.lower():
                return str(text)
        return str(next(iter(value.values()), ""))
    return "" if value is None else str(value)


def _required(node: dict[str, Any]) -> bool:
    flag = str((node.get("bind") or {}).get("required", "")).strip().lower()
    return flag in ("yes", "true", "true()", "1")


def _walk(children: list[dict[str, Any]], group: str, out: list[dict[str, Any]]) -> None:
    for node in children:
        kind = str(node.get("type", ""))
        name = str(node.get("name", ""))
        if kind == "group":
            if name == "meta" and (node.get("control") or {}).get("bodyless"):
                continue  # pyxform's own instanceID: never stored
            _walk(node.get("children") or [], _label(node.get("label")) or name, out)
            continue
        if kind == "repeat":
            raise FormRefused(f"Nhóm lặp lại (repeat) '{name}' chưa được hỗ trợ.")
        if kind in IDENTIFYING:
            raise FormRefused(
                f"Câu hỏi '{name}' có loại '{kind}': phiếu khảo sát ẩn danh không thu thập vị "
                "trí, hình ảnh, âm thanh, tệp, thiết bị hay tài khoản của người trả lời."
            )
        if kind in TIMESTAMPS:
            raise FormRefused(
                f"Câu hỏi '{name}' có loại '{kind}': phiếu khảo sát ẩn danh chỉ ghi ngày trả "
                "lời, không ghi giờ; hãy bỏ dòng này."
            )
        if kind not in KINDS:
            raise FormRefused(
                f"Câu hỏi '{name}' có loại '{kind}' chưa được hỗ trợ. Hệ thống nhận các loại "
                "select_one, select_multiple, integer, text, note và nhóm (begin_group)."
            )
        choices = [
            {"name": str(c.get("name", "")), "label": _label(c.get("label")) or str(c.get("name"))}
            for c in node.get("choices") or []
        ]
        if KINDS[kind] in ("select_one", "select_multiple") and not choices:
            raise FormRefused(f"Câu hỏi '{name}' không có lựa chọn nào trong trang 'choices'.")
        out.append(
            {
                "name": name,
                "kind": KINDS[kind],
                "label": _label(node.get("label")) or name,
                "hint": _label(node.get("hint")),
                "group": group,
                "required": _required(node),
                "choices": choices,
            }
        )


def form_from_pyxform(data: dict[str, Any]) -> dict[str, Any]:
    questions: list[dict[str, Any]] = []
    _walk(data.get("children") or [], "", questions)
    if not [q for q in questions if q["kind"] != "note"]:
        raise FormRefused("Biểu mẫu không có câu hỏi nào để trả lời.")
    code = str(data.get("id_string") or "").strip()
    if not code or code == "data":
        raise FormRefused("Trang 'settings' phải có cột 'form_id' (mã khảo sát).")
    return {
        "code": code,
        "title": str(data.get("title") or code),
        "version": str(data.get("version") or ""),
        "questions": questions,
    }


def parse_form_unbounded(name: str, data: bytes, limits: Any) -> dict[str, Any]:
    """The child's job: bounds, then pyxform, then our own reading of its result."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    from tuyengiao.imports.reading import check_xlsx

    if not name.lower().endswith(".xlsx"):
        raise FormRefused(f"Tệp '{name}' không phải tệp Excel .xlsx (XLSForm).")
    check_xlsx(name, data, limits)
    try:
        result = convert(xlsform=data, file_type=".xlsx", pretty_print=False)
    except PyXFormError as exc:
        raise FormRefused(_vietnamese(str(exc))) from exc
    except Exception as exc:  # a damaged workbook: openpyxl/zipfile errors of every kind
        raise FormRefused(
            f"Không đọc được tệp '{name}' như một biểu mẫu XLSForm ({exc.__class__.__name__}). "
            "Hãy mở tệp bằng Excel và lưu lại dạng .xlsx."
        ) from exc
    return form_from_pyxform(result._pyxform)
