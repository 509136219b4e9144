"""The report's sentences, in the style of the articles in ``../shared/domain/``
("đã tổ chức 2.033 hội nghị với 51.081 lượt người tham gia học tập; 227.251 lượt
đoàn viên, hội viên và nhân dân được tuyên truyền")."""

from __future__ import annotations

from tuyengiao.lib.numbers import format_int, format_percent

from .selectors import ReportFigures


def pct(value: object) -> str:
    return "—" if value is None else format_percent(value)  # type: ignore[arg-type]


def subject(f: ReportFigures) -> str:
    return (
        f"Kết quả tổ chức học tập, quán triệt, tuyên truyền các chỉ thị, nghị quyết của Đảng "
        f"{f.period_label}"
    )


def paragraphs(f: ReportFigures) -> list[str]:
    t = f.totals
    who = f"Trong kỳ báo cáo ({f.period_label}), {f.unit_name} và các tổ chức đảng trực thuộc"
    bridge = f" (với {format_int(t.bridge_points)} điểm cầu)" if t.bridge_points else ""
    first = (
        f"{who} đã tổ chức {format_int(t.sessions)} hội nghị{bridge} với "
        f"{format_int(t.person_times)} lượt người tham gia học tập, quán triệt; "
        f"{format_int(t.public_reached)} lượt đoàn viên, hội viên và nhân dân được tuyên truyền."
    )
    second = (
        f"Có {format_int(f.members_attended)} đảng viên thuộc diện học tập đã tham gia ít nhất "
        "một hội nghị trong kỳ; "
        f"tổng số đảng viên thuộc diện học tập (không kể đảng viên được miễn sinh hoạt) "
        f"tại thời điểm cuối kỳ là {format_int(f.members_required)} đồng chí. "
        f"Số lượt vắng có lý do là {format_int(t.excused)}, vắng không lý do là "
        f"{format_int(t.absent)}."
    )
    out = [first, second]
    for c in f.campaigns:
        status = "đạt" if c.met else "chưa đạt"
        docs = f" ({c.documents})" if c.documents else ""
        sentence = (
            f"Đối với {c.title}{docs}: {format_int(c.attended)}/{format_int(c.required)} "
            f"đảng viên đã tham gia học tập, đạt tỷ lệ {pct(c.rate)}, {status} chỉ tiêu "
            f"{pct(c.target)} đề ra."
        )
        if c.units_without_session:
            names = ", ".join(c.units_without_session[:10])
            more = (
                f" và {format_int(len(c.units_without_session) - 10)} đơn vị khác"
                if len(c.units_without_session) > 10
                else ""
            )
            sentence += (
                f" Còn {format_int(len(c.units_without_session))}/{format_int(c.units_total)} "
                f"đơn vị cơ sở chưa tổ chức hội nghị: {names}{more}."
            )
        late = f.lagging(c)
        if late:
            sentence += " Các đơn vị có tỷ lệ thấp hơn chỉ tiêu: " + ", ".join(
                f"{child.name} ({pct(r)})" for child, r in late[:10]
            )
            sentence += "."
        out.append(sentence)
    return out
