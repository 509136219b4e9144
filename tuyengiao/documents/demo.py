"""Demo documents: real Party and State documents that provinces study, and two local
plans that cite them (so the demo shows automatic links, an ambiguous reference to a
symbol used in two terms, and a bare reference to resolve). Idempotent."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from tuyengiao.orgs.access import SYSTEM

from . import services
from .models import Document, Relation

D = dt.date

# (symbol, date, kind, issuing body, title, body)
DOCUMENTS: list[tuple[str, dt.date, str, str, str, str]] = [
    (
        "05-CT/TW",
        D(2016, 5, 15),
        "Chỉ thị",
        "Bộ Chính trị",
        "Về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        "",
    ),
    (
        "01-KL/TW",
        D(2021, 5, 18),
        "Kết luận",
        "Bộ Chính trị",
        "Về tiếp tục thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị khóa XII về đẩy mạnh học tập "
        "và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        "Sau 5 năm thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị khóa XII, việc "
        "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh đã đạt nhiều kết quả.",
    ),
    (
        "35-CT/TW",
        D(2019, 5, 30),
        "Chỉ thị",
        "Bộ Chính trị",
        "Về tổ chức đại hội đảng bộ các cấp tiến tới Đại hội đại biểu toàn quốc lần thứ XIII của Đảng",
        "",
    ),
    (
        "35-CT/TW",
        D(2024, 6, 14),
        "Chỉ thị",
        "Bộ Chính trị",
        "Về đại hội đảng bộ các cấp tiến tới Đại hội đại biểu toàn quốc lần thứ XIV của Đảng",
        "",
    ),
    (
        "144-QĐ/TW",
        D(2024, 5, 9),
        "Quy định",
        "Bộ Chính trị",
        "Về chuẩn mực đạo đức cách mạng của cán bộ, đảng viên trong giai đoạn mới",
        "",
    ),
    (
        "66-QĐ/TW",
        D(2017, 2, 6),
        "Quy định",
        "Ban Chấp hành Trung ương",
        "Về thể loại, thẩm quyền ban hành và thể thức văn bản của Đảng",
        "",
    ),
    (
        "36-HD/VPTW",
        D(2018, 4, 3),
        "Hướng dẫn",
        "Văn phòng Trung ương Đảng",
        "Về thể thức và kỹ thuật trình bày văn bản của Đảng",
        "Thực hiện Quy định số 66-QĐ/TW ngày 06/02/2017 của Ban Chấp hành Trung ương về thể loại, "
        "thẩm quyền ban hành và thể thức văn bản của Đảng.",
    ),
    (
        "18-NQ/TW",
        D(2017, 10, 25),
        "Nghị quyết",
        "Ban Chấp hành Trung ương",
        "Một số vấn đề về tiếp tục đổi mới, sắp xếp tổ chức bộ máy của hệ thống chính trị tinh "
        "gọn, hoạt động hiệu lực, hiệu quả",
        "",
    ),
    (
        "19-NQ/TW",
        D(2017, 10, 25),
        "Nghị quyết",
        "Ban Chấp hành Trung ương",
        "Về tiếp tục đổi mới hệ thống tổ chức và quản lý, nâng cao chất lượng và hiệu quả hoạt "
        "động của các đơn vị sự nghiệp công lập",
        "",
    ),
    (
        "35-NQ/TW",
        D(2018, 10, 22),
        "Nghị quyết",
        "Bộ Chính trị",
        "Về tăng cường bảo vệ nền tảng tư tưởng của Đảng, đấu tranh phản bác các quan điểm sai "
        "trái, thù địch trong tình hình mới",
        "",
    ),
    (
        "21-NQ/TW",
        D(2022, 6, 16),
        "Nghị quyết",
        "Ban Chấp hành Trung ương",
        "Về tăng cường củng cố, xây dựng tổ chức cơ sở đảng và nâng cao chất lượng đội ngũ đảng "
        "viên trong giai đoạn mới",
        "",
    ),
    (
        "43-NQ/TW",
        D(2023, 11, 24),
        "Nghị quyết",
        "Ban Chấp hành Trung ương",
        "Về tiếp tục phát huy truyền thống, sức mạnh đại đoàn kết toàn dân tộc, xây dựng đất nước "
        "ta ngày càng phồn vinh, hạnh phúc",
        "",
    ),
    (
        "45-NQ/TW",
        D(2023, 11, 24),
        "Nghị quyết",
        "Ban Chấp hành Trung ương",
        "Về tiếp tục xây dựng và phát huy vai trò của đội ngũ trí thức đáp ứng yêu cầu phát triển "
        "đất nước nhanh và bền vững trong giai đoạn mới",
        "",
    ),
    (
        "57-NQ/TW",
        D(2024, 12, 22),
        "Nghị quyết",
        "Bộ Chính trị",
        "Về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia",
        "Khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số là đột phá quan trọng hàng đầu, "
        "là động lực chính để phát triển nhanh lực lượng sản xuất hiện đại.",
    ),
    (
        "59-NQ/TW",
        D(2025, 1, 24),
        "Nghị quyết",
        "Bộ Chính trị",
        "Về hội nhập quốc tế trong tình hình mới",
        "",
    ),
    (
        "66-NQ/TW",
        D(2025, 4, 30),
        "Nghị quyết",
        "Bộ Chính trị",
        "Về đổi mới công tác xây dựng và thi hành pháp luật đáp ứng yêu cầu phát triển đất nước "
        "trong kỷ nguyên mới",
        "",
    ),
    ("68-NQ/TW", D(2025, 5, 4), "Nghị quyết", "Bộ Chính trị", "Về phát triển kinh tế tư nhân", ""),
    ("30/2020/NĐ-CP", D(2020, 3, 5), "Nghị định", "Chính phủ", "Về công tác văn thư", ""),
    (
        "06/QĐ-TTg",
        D(2022, 1, 6),
        "Quyết định",
        "Thủ tướng Chính phủ",
        "Phê duyệt Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử "
        "phục vụ chuyển đổi số quốc gia giai đoạn 2022 - 2025, tầm nhìn đến năm 2030",
        "",
    ),
    ("45/2019/QH14", D(2019, 11, 20), "Bộ luật", "Quốc hội", "Bộ luật Lao động", ""),
    (
        "05-KH/BTGDVTU",
        D(2025, 3, 10),
        "Kế hoạch",
        "Ban Tuyên giáo và Dân vận Tỉnh ủy",
        "Tuyên truyền, học tập, quán triệt Nghị quyết số 57-NQ/TW của Bộ Chính trị về đột phá "
        "phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia",
        "Thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị và Chỉ thị số "
        "35-CT/TW của Bộ Chính trị về đại hội đảng bộ các cấp, Ban Tuyên giáo và Dân vận Tỉnh ủy "
        "xây dựng kế hoạch tuyên truyền; gắn với triển khai Đề án 06 trên địa bàn tỉnh.",
    ),
    (
        "12-KH/TU",
        D(2025, 6, 2),
        "Kế hoạch",
        "Tỉnh ủy",
        "Thực hiện Nghị quyết số 68-NQ/TW của Bộ Chính trị về phát triển kinh tế tư nhân",
        "Căn cứ Nghị quyết số 68-NQ/TW ngày 04/5/2025 của Bộ Chính trị; Quy định số 144-QĐ/TW "
        "ngày 09/5/2024 về chuẩn mực đạo đức cách mạng...",
    ),
]

LINKS = [
    ("01-KL/TW", "05-CT/TW", Relation.IMPLEMENTS),
    ("36-HD/VPTW", "66-QĐ/TW", Relation.GUIDES),
    ("05-KH/BTGDVTU", "57-NQ/TW", Relation.IMPLEMENTS),
    ("12-KH/TU", "68-NQ/TW", Relation.IMPLEMENTS),
]


def build() -> str:
    created = 0
    with transaction.atomic():
        for symbol, day, kind, issuer, title, body in DOCUMENTS:
            key = services.symbol_key(symbol)
            if Document.objects.filter(symbol_key=key, issue_date=day).exists():
                continue
            services.document_create(
                actor=SYSTEM,
                symbol=symbol,
                title=title,
                issue_date=day,
                kind=kind,
                issuer_name=issuer,
                body=body,
            )
            created += 1
        for source, target, relation in LINKS:
            a = Document.objects.filter(symbol_key=services.symbol_key(source)).first()
            b = Document.objects.filter(symbol_key=services.symbol_key(target)).first()
            if a and b and not a.links_out.filter(target=b, relation=relation).exists():
                services.link_add(actor=SYSTEM, source=a, target=b, relation=relation)
    if not created:
        return "Văn bản mẫu đã có sẵn."
    return (
        f"Đã đăng ký {created} văn bản mẫu (Nghị quyết, Chỉ thị, Kết luận, Quy định, Nghị định...)."
    )
