"""Tests for tuyengiao.lib.refs: document references in Vietnamese text.

Pure Python: no Django, no database. Run with
``.venv/bin/python -m pytest -p no:django tuyengiao/lib/tests/test_refs.py -q``.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuyengiao.lib.refs import Ref, extract_refs, normalize_for_refs, parse_symbol

# ---------------------------------------------------------------------------------------
# (a) Real examples. Each row: text, [(symbol, kind), ...] in order of appearance.
# Rows marked "article" are verbatim from /work/shared/domain/*.txt (Lai Châu and Lạng Sơn,
# 2023); "official" rows cite real documents; the rest are the loose forms met in the wild.
# ---------------------------------------------------------------------------------------

POSITIVE: list[tuple[str, list[tuple[str, str | None]]]] = [
    # --- article: Lai Châu city
    (
        "Cùng với sự sâu sát, linh hoạt trong tổ chức tuyên truyền, phổ biến, quán triệt thực "
        "hiện Nghị quyết Đại hội Đảng bộ các cấp, Ban Tuyên giáo Thành ủy thường xuyên coi "
        "trọng và chủ động tham mưu với Thành ủy trong lãnh đạo, chỉ đạo, tổ chức triển khai "
        "Kết luận số 01-KL/TW của Bộ Chính trị về tiếp tục thực hiện Chỉ thị số 05-CT/TW "
        "“Về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh”.",
        [("01-KL/TW", "Kết luận"), ("05-CT/TW", "Chỉ thị")],
    ),
    # --- article: Lạng Sơn city
    (
        "Thực hiện Đề án số 03-ĐA/TU ngày 7/9/2021 của Ban Thường vụ Thành ủy về “Tiếp tục đổi "
        "mới và nâng cao chất lượng, hiệu quả công tác học tập, quán triệt và tuyên truyền triển "
        "khai thực hiện các chỉ thị, nghị quyết của Đảng trong cán bộ, đảng viên và Nhân dân trên "
        "địa bàn thành phố Lạng Sơn giai đoạn 2021 – 2025”, trong năm 2022, các cấp ủy tổ chức "
        "việc quán triệt, học tập, tuyên truyền các chỉ thị, nghị quyết của Đảng",
        [("03-ĐA/TU", "Đề án")],
    ),
    (
        "tổ chức hội nghị chuyên đề triển khai Nghị quyết số 40-NQ/TU ngày 5/8/2021 của Ban "
        "Thường vụ Tỉnh ủy về xây dựng và phát triển thành phố Lạng Sơn giai đoạn 2021 – 2030, "
        "định hướng đến năm 2050, Nghị quyết số 81-NQ/TU ngày 6/7/2022 của Ban Chấp hành Đảng bộ "
        "tỉnh về điều chỉnh địa giới đơn vị hành chính mở rộng thành phố Lạng Sơn; các nội dung "
        "liên quan đến Kết luận số 01-KL/TW, Nghị quyết số 35-NQ/TW của Bộ Chính trị, Kết luận số "
        "21-KL/TW của Ban Chấp hành Trung ương với sự tham gia của các báo cáo viên Trung ương "
        "trực tiếp truyền đạt…",
        [
            ("40-NQ/TU", "Nghị quyết"),
            ("81-NQ/TU", "Nghị quyết"),
            ("01-KL/TW", "Kết luận"),
            ("35-NQ/TW", "Nghị quyết"),
            ("21-KL/TW", "Kết luận"),
        ],
    ),
    (
        "Trong đó chú trọng tham mưu triển khai thực hiện hiệu quả Đề án số 03-ĐA/TU; việc học "
        "tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh; quy định của cấp uỷ các cấp "
        "về trách nhiệm nêu gương của cán bộ, đảng viên",
        [("03-ĐA/TU", "Đề án")],
    ),
    # --- article: Lai Châu province (bare references)
    (
        "Có thể khẳng định, sau 10 năm thực hiện Đề án 1327 đã nâng cao nhận thức của các cấp "
        "ủy, tổ chức đảng, cán bộ, đảng viên, công chức, viên chức về tầm quan trọng của việc "
        "đổi mới, nâng cao chất lượng, hiệu quả công tác tuyên truyền",
        [("Đề án 1327", "Đề án")],
    ),
    (
        "Một là, Tỉnh ủy, các cấp ủy đảng, cơ quan, đơn vị tiếp tục quán triệt, triển khai thực "
        "hiện Đề án 1327; nêu cao vai trò, trách nhiệm của các cấp ủy, tổ chức đảng",
        [("Đề án 1327", "Đề án")],
    ),
    # --- official: Party
    (
        "Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa "
        "học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia",
        [("57-NQ/TW", "Nghị quyết")],
    ),
    (
        "Chỉ thị số 35-CT/TW ngày 30/5/2019 của Bộ Chính trị về đại hội đảng bộ các cấp tiến "
        "tới Đại hội đại biểu toàn quốc lần thứ XIII của Đảng",
        [("35-CT/TW", "Chỉ thị")],
    ),
    (
        "Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị về đại hội đảng bộ các cấp tiến "
        "tới Đại hội đại biểu toàn quốc lần thứ XIV của Đảng",
        [("35-CT/TW", "Chỉ thị")],
    ),
    (
        "Kết luận số 01-KL/TW ngày 18/5/2021 của Bộ Chính trị về tiếp tục thực hiện Chỉ thị số "
        "05-CT/TW của Bộ Chính trị khóa XII",
        [("01-KL/TW", "Kết luận"), ("05-CT/TW", "Chỉ thị")],
    ),
    (
        "Quy định số 144-QĐ/TW ngày 09/5/2024 của Bộ Chính trị về chuẩn mực đạo đức cách mạng "
        "của cán bộ, đảng viên trong giai đoạn mới",
        [("144-QĐ/TW", "Quy định")],
    ),
    (
        "Quy định số 08-QĐi/TW ngày 25/10/2018 của Ban Chấp hành Trung ương về trách nhiệm nêu "
        "gương của cán bộ, đảng viên",
        [("08-QĐi/TW", "Quy định")],
    ),
    (
        "Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị về tăng cường bảo vệ nền tảng "
        "tư tưởng của Đảng, đấu tranh phản bác các quan điểm sai trái, thù địch trong tình hình "
        "mới",
        [("35-NQ/TW", "Nghị quyết")],
    ),
    (
        "Hướng dẫn số 36-HD/VPTW ngày 03/4/2018 của Văn phòng Trung ương Đảng về thể thức và kỹ "
        "thuật trình bày văn bản của Đảng",
        [("36-HD/VPTW", "Hướng dẫn")],
    ),
    (
        "Quy định số 66-QĐ/TW ngày 06/02/2017 của Ban Chấp hành Trung ương về thể loại, thẩm "
        "quyền ban hành và thể thức văn bản của Đảng",
        [("66-QĐ/TW", "Quy định")],
    ),
    (
        "Kết luận số 121-KL/TW ngày 24/01/2025 của Ban Chấp hành Trung ương về tổng kết Nghị "
        "quyết số 18-NQ/TW",
        [("121-KL/TW", "Kết luận"), ("18-NQ/TW", "Nghị quyết")],
    ),
    (
        "Nghị quyết số 68-NQ/TW ngày 04/5/2025 của Bộ Chính trị về phát triển kinh tế tư nhân",
        [("68-NQ/TW", "Nghị quyết")],
    ),
    (
        "các Nghị quyết số 18-NQ/TW, số 19-NQ/TW và số 20-NQ/TW",
        [("18-NQ/TW", "Nghị quyết"), ("19-NQ/TW", "Nghị quyết"), ("20-NQ/TW", "Nghị quyết")],
    ),
    (
        "Nghị quyết số 18-NQ/TW ngày 25/10/2017, số 19-NQ/TW ngày 25/10/2017, số 20-NQ/TW và "
        "số 21-NQ/TW ngày 25/10/2017 của Hội nghị Trung ương 6 khóa XII",
        [
            ("18-NQ/TW", "Nghị quyết"),
            ("19-NQ/TW", "Nghị quyết"),
            ("20-NQ/TW", "Nghị quyết"),
            ("21-NQ/TW", "Nghị quyết"),
        ],
    ),
    # --- official: State
    (
        "Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư",
        [("30/2020/NĐ-CP", "Nghị định")],
    ),
    ("Quyết định số 1327/QĐ-TTg của Thủ tướng Chính phủ", [("1327/QĐ-TTg", "Quyết định")]),
    ("Bộ luật Lao động số 45/2019/QH14", [("45/2019/QH14", "Bộ luật")]),
    ("Luật số 45/2019/QH14", [("45/2019/QH14", "Luật")]),
    (
        "Luật Ban hành văn bản quy phạm pháp luật số 80/2015/QH13 và Nghị định số 34/2016/NĐ-CP",
        [("80/2015/QH13", "Luật"), ("34/2016/NĐ-CP", "Nghị định")],
    ),
    ("Thông tư số 25/2024/TT-BTC của Bộ Tài chính", [("25/2024/TT-BTC", "Thông tư")]),
    (
        "Thông tư số 01/2011/TT-BNV ngày 19/01/2011 của Bộ Nội vụ hướng dẫn thể thức và kỹ "
        "thuật trình bày văn bản hành chính",
        [("01/2011/TT-BNV", "Thông tư")],
    ),
    (
        "Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ phê duyệt Đề án phát "
        "triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử phục vụ chuyển đổi số "
        "quốc gia giai đoạn 2022 - 2025, tầm nhìn đến năm 2030 (Đề án 06)",
        [("06/QĐ-TTg", "Quyết định"), ("Đề án 06", "Đề án")],
    ),
    (
        "Nghị quyết số 30a/2008/NQ-CP ngày 27/12/2008 của Chính phủ về Chương trình hỗ trợ giảm "
        "nghèo nhanh và bền vững đối với 61 huyện nghèo",
        [("30a/2008/NQ-CP", "Nghị quyết")],
    ),
    ("Chỉ thị số 477/CT-UBND của Ủy ban nhân dân tỉnh", [("477/CT-UBND", "Chỉ thị")]),
    ("Công văn số 5973/UBND-KT ngày 12/11/2024", [("5973/UBND-KT", "Công văn")]),
    (
        "Thông tư liên tịch số 01/2015/TTLT-BTC-BNV",
        [("01/2015/TTLT-BTC-BNV", "Thông tư liên tịch")],
    ),
    ("Chương trình 135 giai đoạn 2016 - 2020", [("Chương trình 135", "Chương trình")]),
    # --- loose forms (VIETNAMESE.md, DOMAIN.md)
    ("Số: 25/2024/TT-BTC", [("25/2024/TT-BTC", None)]),
    ("Số 12-BC/ĐU", [("12-BC/ĐU", None)]),
    ("SỐ: 12-BC/ĐU", [("12-BC/ĐU", None)]),
    ("Kế hoạch số 12- KH/TU", [("12-KH/TU", "Kế hoạch")]),
    ("Nghị quyết 57 - NQ / TW", [("57-NQ/TW", "Nghị quyết")]),
    ("Nghị quyết số 57-NQ/TƯ", [("57-NQ/TW", "Nghị quyết")]),
    ("nghị quyết số 57-nq/tw", [("57-NQ/TW", "Nghị quyết")]),
    ("NGHỊ QUYẾT SỐ 57-NQ/TW", [("57-NQ/TW", "Nghị quyết")]),
    ("Nghị quyết số 57–NQ/TW", [("57-NQ/TW", "Nghị quyết")]),
    ("Nghị quyết số 57—NQ/TW", [("57-NQ/TW", "Nghị quyết")]),
    ("Chương trình hành động số 06-CTr/TU", [("06-CTr/TU", "Chương trình hành động")]),
    ("Chương trình hành động số 06-ctr/tu", [("06-CTr/TU", "Chương trình hành động")]),
    ("Hướng dẫn số 15-HD/BTGTU", [("15-HD/BTGTU", "Hướng dẫn")]),
    ("Hướng dẫn số 02-HD/BTGDVTU", [("02-HD/BTGDVTU", "Hướng dẫn")]),
    ("Quy định số 05-QyĐ/TU", [("05-QyĐ/TU", "Quy định")]),
    ("Thông tri số 03-TT/TW", [("03-TT/TW", "Thông tri")]),
    ("Kết luận số 1-KL/TW", [("01-KL/TW", "Kết luận")]),
    ("Nghị quyết số 57/NQ-TW", [("57-NQ/TW", "Nghị quyết")]),
    ("Nghị quyết 57", [("Nghị quyết 57", "Nghị quyết")]),
    ("Chỉ thị số 05", [("Chỉ thị 05", "Chỉ thị")]),
    ("theo chỉ thị số 05 của Ban Thường vụ", [("Chỉ thị 05", "Chỉ thị")]),
    ("Nghị định 30/2020 quy định", [("Nghị định 30/2020", "Nghị định")]),
    ("Nghị định 64/CP", [("64/CP", "Nghị định")]),
    ("Quyết định số 1327/qđ-ttg", [("1327/QĐ-TTg", "Quyết định")]),
    ("Quyết định số 144-QD/TW", [("144-QĐ/TW", "Quyết định")]),
    ("Nghị quyết 57 ngày 22/12/2024", [("Nghị quyết 57", "Nghị quyết")]),
    ("Chỉ thị số 35 năm 2019", [("Chỉ thị 35", "Chỉ thị")]),
    (
        "Đề án số 05, số 06 và số 07-ĐA/TU",
        [("Đề án 05", "Đề án"), ("Đề án 06", "Đề án"), ("07-ĐA/TU", "Đề án")],
    ),
    (
        "Nghị quyết số 18-NQ/TW và 05-CT/TW",  # a different type code does not inherit
        [("18-NQ/TW", "Nghị quyết"), ("05-CT/TW", None)],
    ),
    (
        "Chỉ thị số 35-CT/TW năm 2019 và số 35-CT/TW năm 2024",
        [("35-CT/TW", "Chỉ thị"), ("35-CT/TW", "Chỉ thị")],
    ),
    ("(Nghị quyết số 57-NQ/TW).", [("57-NQ/TW", "Nghị quyết")]),
    (
        "Nghị quyết số 18, 19 và 20-NQ/TW của Hội nghị Trung ương 6 khóa XII",
        [("18-NQ/TW", "Nghị quyết"), ("19-NQ/TW", "Nghị quyết"), ("20-NQ/TW", "Nghị quyết")],
    ),
    ("số 18, 19 và 20-NQ/TW", [("18-NQ/TW", None), ("19-NQ/TW", None), ("20-NQ/TW", None)]),
    ("Đề án số 5, 12-KH/TU", [("Đề án 05", "Đề án"), ("12-KH/TU", None)]),
    ("Nghị quyết của Bộ Chính trị số 35-NQ/TW", [("35-NQ/TW", "Nghị quyết")]),
    ("Kế hoạch của Ban Thường vụ số 57-NQ/TW", [("57-NQ/TW", None)]),  # type does not fit
    (
        "Luật Cán bộ, công chức số 22/2008/QH12 và Luật Viên chức số 58/2010/QH12",
        [("22/2008/QH12", "Luật"), ("58/2010/QH12", "Luật")],
    ),
    ("Bộ luật Dân sự năm 2015 số 91/2015/QH13", [("91/2015/QH13", "Bộ luật")]),
    (
        "Kết luận số 01-KL/TW và số 21 của Bộ Chính trị",
        [("01-KL/TW", "Kết luận"), ("Kết luận 21", "Kết luận")],
    ),
    ("Nghị quyết số 01 năm 2025 của Chi bộ", [("Nghị quyết 01", "Nghị quyết")]),
    ("theo Kế hoạch số 5 ngày 12 tháng 3", [("Kế hoạch 05", "Kế hoạch")]),
    ("Nghị quyết số 18-NQ/TW,19-NQ/TW", [("18-NQ/TW", "Nghị quyết"), ("19-NQ/TW", "Nghị quyết")]),
    ("Văn bản số 3340/BTTTT-CBĐTW", [("3340/BTTTT-CBĐTW", "Văn bản")]),
    ("Kế hoạch số 123/KH-BCĐ389", [("123/KH-BCĐ389", "Kế hoạch")]),
    ("Thông báo kết luận số 12-TB/TW", [("12-TB/TW", "Thông báo kết luận")]),
    (
        "ĐẢNG BỘ TỈNH LAI CHÂU\nBAN TUYÊN GIÁO TỈNH ỦY\n*\nSố 15-HD/BTGTU\t"
        "ĐẢNG CỘNG SẢN VIỆT NAM\nLai Châu, ngày 05 tháng 3 năm 2025\nHƯỚNG DẪN",
        [("15-HD/BTGTU", None)],
    ),
]

# Every field for a few rows.
DETAILED: list[tuple[str, dict[str, object]]] = [
    (
        "Nghị quyết số 57-NQ/TW",
        dict(symbol="57-NQ/TW", system="party", number=57, type="NQ", issuer="TW", year=None),
    ),
    (
        "Số: 30/2020/NĐ-CP",
        dict(symbol="30/2020/NĐ-CP", system="state", number=30, type="NĐ", issuer="CP", year=2020),
    ),
    (
        "Quyết định 1327/QĐ-TTg",
        dict(symbol="1327/QĐ-TTg", system="state", number=1327, type="QĐ", issuer="TTg", year=None),
    ),
    (
        "Công văn số 5973/UBND-KT",
        dict(symbol="5973/UBND-KT", system="state", number=5973, type="CV", issuer="UBND"),
    ),
    (
        "Luật số 45/2019/QH14",
        dict(symbol="45/2019/QH14", system="state", type="L", issuer="QH14", year=2019),
    ),
    (
        "Đề án 1327",
        dict(symbol="Đề án 1327", system="bare", number=1327, type="ĐA", issuer=None, year=None),
    ),
    ("Số 03-ĐA/TU", dict(symbol="03-ĐA/TU", number=3, type="ĐA", issuer="TU", kind=None)),
    ("Số 12-BC/ĐU", dict(symbol="12-BC/ĐU", type="BC", issuer="ĐU")),
    ("Quy định 08-QĐI/TW", dict(symbol="08-QĐi/TW", type="QĐi", kind="Quy định")),
    ("Nghị quyết số 68/2022/QH15", dict(symbol="68/2022/QH15", type="NQ", kind="Nghị quyết")),
    ("Nghị định 30/2020", dict(symbol="Nghị định 30/2020", system="bare", type="NĐ", year=2020)),
]

# (b) Must not produce any reference. Rows marked "article" are verbatim.
NEGATIVE: list[str] = [
    "15/5/2020",
    "ngày 01/7/2025",
    "2020-2025",
    "2020 – 2025",
    "1/2",
    "96,23%",
    "COVID-19",
    "Điều 5",
    "Khoản 2",
    "Mục 3",
    "khoản 2 Điều 5",
    "Trang 12/48",
    "trang 5",
    "Điện thoại: 0213.3876.123",
    "ĐT: 0912-345-678",
    "lần thứ 13",
    "Đại hội XIII",
    "năm 2025",
    "2025",
    "Nghị quyết Đại hội XIII",
    "Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XIV, nhiệm kỳ 2020-2025",
    "Nghị quyết Trung ương 5",
    "Kế hoạch 5 năm 2021 - 2025",
    "Kế hoạch năm 2025",
    "Kế hoạch 2025",
    "Chương trình 2030",
    "Báo cáo 6 tháng đầu năm",
    "Hướng dẫn 3 bước",
    "kế hoạch 5 năm",
    "đề án 1327",  # lower case, no "số": too weak
    "Nghị quyết 15/5/2020",
    "Đề án 2.033",
    "Nghị quyết số 96,23%",
    "Kế hoạch 2020 – 2025",
    "vi phạm pháp luật 3 lần",
    "Ban Chỉ đạo 389/QG",
    "HIV/AIDS",
    "60 km/h",
    "3 triệu đồng/ha",
    "24/7",
    "10:30",
    "https://baolangson.vn/chinh-tri/558213-thanh-pho-lang-son.html",
    # article: verbatim
    "Thứ sáu, 14/06/2024, 09:02 [GMT+7]",
    "Thứ ba, 01/08/2023 - 17:29'",
    "triển khai thực hiện Nghị quyết Đại hội Đại biểu toàn quốc lần thứ XIII của Đảng; Nghị "
    "quyết Đại hội Đảng bộ các cấp nhiệm kỳ 2020 - 2025; Hội nghị quán triệt, học tập Nghị quyết "
    "Hội nghị Trung ương 5, 6 (khóa XIII) của Đảng",
    "Nghị quyết Đại hội Đảng bộ thành phố Lai Châu lần thứ IV, nhiệm kỳ 2020 – 2025 đề ra",
    "kết quả đã tổ chức 2.033 hội nghị với 51.081 lượt người tham gia học tập; 227.251 lượt "
    "đoàn viên, hội viên và nhân dân được tuyên truyền.",
    "Từ tháng 6/2021 - 5/2023, toàn thành phố đã tổ chức 1.305 hội nghị với 28.109 lượt người "
    "được học tập.",
    "Ban Tuyên giáo Thành ủy đã tham mưu Ban Chỉ đạo 35 thành phố ban hành kế hoạch hoạt động "
    "hằng năm.",
    "Từ 20/8/2020 đến 20/5/2023, Ban Chỉ đạo 35 thành phố đã đăng tải 1.302 tin, bài",
    "Tuyên truyền 15 hộ gia đình tại dự án Tuyến đường số 1, số 3 YAMAHA kéo dài từ năm 2018 "
    "đến nay",
    "cho mượn đất làm nhà ở trước 15/10/1993, đến nay đã có 296 hộ gia đình",
    "với tổng số tiền là 8,3 tỷ đồng",
    "Thứ 3, 31.01.2023 | 09:38:05",
    "1,047 lượt xem",
    "Đảng bộ thành phố hiện có 71 tổ chức cơ sở đảng trực thuộc với trên 7.600 đảng viên.",
    "Tỷ lệ đảng viên tham gia học tập, quán triệt chỉ thị, nghị quyết đạt trên 95%, tỷ lệ tuyên "
    "truyền trong Nhân dân đạt trên 85%.",
    "Các đại biểu tham dự hội nghị học tập quán triệt Nghị quyết Trung ương 6 khóa XIII (năm "
    "2022) tại điểm cầu thành phố",
    "Chủ Nhật, 14/7/2024",
    "Thứ Năm, 26/10/2023 10:8'(GMT+7)",
    "tổ chức 4.227 cuộc kiểm tra đối với 3.100 tổ chức đảng, 27.112 đảng viên; 4.037 cuộc khảo "
    "sát, giám sát đối với 2.392 tổ chức đảng và 15.856 đảng viên.",
    "có 96,23% số người được hỏi đánh giá",
    "Qua điều tra xã hội học có 94,12% số người được hỏi",
    "Các nội dung tuyên truyền của kênh LTV được phát sóng trên vệ tinh VINASAT-1",
    "có 568 cụm loa truyền thanh, trong đó 348 cụm loa sử dụng công nghệ có dây/FM, 220 cụm "
    "loa ứng dụng CNTT-VT.",
    "Thời điểm dịch Covid-19 diễn biến phức tạp",
    "các nghị quyết chuyên đề, đề án, kết luận của Tỉnh ủy khoá XIII, XIV",
    "Hiện nay, toàn tỉnh có 2.413 báo cáo viên các cấp",
    "Đến nay 100% báo cáo viên Trung ương của tỉnh, 98% báo cáo viên cấp tỉnh và 96,05% báo "
    "cáo viên cấp huyện",
    "toàn tỉnh tổ chức được 59 lớp tập huấn, bồi dưỡng cho 3.856 lượt người.",
    "cấp phát 199.667 cuốn tài liệu và hơn 3.000 tờ gấp; biên soạn, phát hành 16.361 cuốn tài "
    "liệu, 3.800 tờ gấp",
    "https://baolangson.vn/chinh-tri/558213-thanh-pho-lang-son-doi-moi-hinh-thuc-tuyen-truyen-"
    "quan-triet-chi-thi-nghi-quyet-cua-dang.html",
    "Trong 10 năm qua, Tỉnh ủy, các cấp ủy",
    "Trong năm 2022, thành phố đã tổ chức 25 hội nghị trực tuyến",
    "Bài, ảnh: Hương Ly - Đồ họa: Tùng Phương",
    # met while trying the module on new text
    "Tổ dân phố số 5, bản Nà Khương",
    "Zalo: 0988 123 456",
    "SARS-CoV-2; F0/F1",
    "xem trang 3/15, mục 2.1, điều 12",
    "Ban Tuyên giáo và Dân vận TW (b/c)",
    "V/v triển khai thực hiện",
    "từ 01/01/2024 - 31/12/2024; nhiệm kỳ 2020–2025",
    "Kết quả năm 2024: 96,5% (tăng 2,3%), 1.245 lượt",
    "Chương trình 1 triệu tấn",
]

PARSE_OK: list[tuple[str, str]] = [
    ("57 - nq/tw", "57-NQ/TW"),
    ("Số: 25/2024/TT-BTC", "25/2024/TT-BTC"),
    ("57-NQ/TƯ", "57-NQ/TW"),
    ("Nghị quyết số 57-NQ/TW", "57-NQ/TW"),
    ("nghi quyet so 57-nq/tw", "57-NQ/TW"),
    ("  12- KH/TU  ", "12-KH/TU"),
    ("1-kl/tw", "01-KL/TW"),
    ("06-ctr/tu", "06-CTr/TU"),
    ("08-qđi/tw", "08-QĐi/TW"),
    ("03-da/tu", "03-ĐA/TU"),
    ("12-bc/du", "12-BC/ĐU"),
    ("144-QD/TW", "144-QĐ/TW"),
    ("30/2020/nd-cp", "30/2020/NĐ-CP"),
    ("30 / 2020 / NĐ – CP", "30/2020/NĐ-CP"),
    ("1327/qđ-ttg", "1327/QĐ-TTg"),
    ("5973/ubnd-kt", "5973/UBND-KT"),
    ("45/2019/qh14", "45/2019/QH14"),
    ("57/NQ-TW", "57-NQ/TW"),
    ("Đề án 1327", "Đề án 1327"),
    ("đề án số 1327", "Đề án 1327"),
    ("chỉ thị 5", "Chỉ thị 05"),
    ("Nghị định 30/2020", "Nghị định 30/2020"),
    ("NGHỊ QUYẾT SỐ: 57-NQ/TW.", "57-NQ/TW"),
    ("\u00d0e\u0302\u0300 a\u0301n 1327", "Đề án 1327"),  # NFD, Ð for Đ
]

PARSE_NONE: list[str] = [
    "",
    "   ",
    "1327",
    "57-NQ",
    "57-NQ/TW và 58-NQ/TW",
    "Nghị quyết 57-NQ/TW ngày 22/12/2024",
    "15/5/2020",
    "1/2",
    "COVID-19",
    "Điều 5",
    "quán triệt nghị quyết",
    "NQ/TW",
    "0-NQ/TW",
]


def _pairs(text: str) -> list[tuple[str, str | None]]:
    return [(r.symbol, r.kind) for r in extract_refs(text)]


@pytest.mark.parametrize(("text", "expected"), POSITIVE)
def test_real_examples(text: str, expected: list[tuple[str, str | None]]) -> None:
    refs = extract_refs(text)
    assert [(r.symbol, r.kind) for r in refs] == expected
    norm = normalize_for_refs(text)
    for r in refs:
        assert str(r.number) in norm[r.start : r.end]


@pytest.mark.parametrize(("text", "fields"), DETAILED)
def test_fields(text: str, fields: dict[str, object]) -> None:
    [ref] = extract_refs(text)
    for name, value in fields.items():
        assert getattr(ref, name) == value, name


@pytest.mark.parametrize("text", NEGATIVE)
def test_no_false_positives(text: str) -> None:
    assert extract_refs(text) == []


@pytest.mark.parametrize(("raw", "symbol"), PARSE_OK)
def test_parse_symbol(raw: str, symbol: str) -> None:
    ref = parse_symbol(raw)
    assert ref is not None
    assert ref.symbol == symbol
    again = parse_symbol(ref.symbol)
    assert again is not None and again.symbol == symbol


@pytest.mark.parametrize("raw", PARSE_NONE)
def test_parse_symbol_rejects(raw: str) -> None:
    assert parse_symbol(raw) is None


def test_parse_symbol_keeps_kind() -> None:
    ref = parse_symbol("Chương trình hành động số 06-CTr/TU")
    assert ref is not None and ref.kind == "Chương trình hành động"
    ref = parse_symbol("Luật số 45/2019/QH14")
    assert ref is not None and (ref.kind, ref.type) == ("Luật", "L")


def test_span_covers_symbol_or_kind_and_number() -> None:
    text = "Thực hiện Nghị quyết số 57 - NQ/TW và Đề án 1327."
    sym, bare = extract_refs(text)
    assert text[sym.start : sym.end] == "57 - NQ/TW"
    assert text[bare.start : bare.end] == "Đề án 1327"


def test_shared_number_spans() -> None:
    text = "Nghị quyết số 18, 19 và 20-NQ/TW"
    assert [text[r.start : r.end] for r in extract_refs(text)] == ["18", "19", "20-NQ/TW"]


def test_nfd_and_eth_input() -> None:
    text = "Thực hiện Nghị quyết số 57-NQ/TƯ và Quyết định số 1327/QĐ-TTg"
    nfd = unicodedata.normalize("NFD", text)
    eth = text.replace("Đ", "\u00d0")
    expected = [("57-NQ/TW", "Nghị quyết"), ("1327/QĐ-TTg", "Quyết định")]
    assert _pairs(nfd) == expected
    assert _pairs(eth) == expected
    assert extract_refs(nfd) == extract_refs(text)
    norm = normalize_for_refs(nfd)
    for r in extract_refs(nfd):
        assert str(r.number) in norm[r.start : r.end]


ARTICLES = Path("/work/shared/domain")
ARTICLE_REFS = {
    "article-laichau-city-2023.txt": [("01-KL/TW", "Kết luận"), ("05-CT/TW", "Chỉ thị")],
    "article-laichau-province-2023.txt": [("Đề án 1327", "Đề án"), ("Đề án 1327", "Đề án")],
    "article-langson-city-2023.txt": [
        ("03-ĐA/TU", "Đề án"),
        ("40-NQ/TU", "Nghị quyết"),
        ("81-NQ/TU", "Nghị quyết"),
        ("01-KL/TW", "Kết luận"),
        ("35-NQ/TW", "Nghị quyết"),
        ("21-KL/TW", "Kết luận"),
        ("03-ĐA/TU", "Đề án"),
    ],
}


@pytest.mark.parametrize("name", sorted(ARTICLE_REFS))
def test_whole_articles(name: str) -> None:
    path = ARTICLES / name
    if not path.exists():
        pytest.skip(f"{path} not available")
    assert _pairs(path.read_text(encoding="utf-8")) == ARTICLE_REFS[name]


# ---------------------------------------------------------------------------------------
# (c) Properties
# ---------------------------------------------------------------------------------------

VI_LETTERS = (
    "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ"
)
VI_ALPHABET = VI_LETTERS + VI_LETTERS.upper()
KIND_WORDS = [
    "Nghị quyết",
    "nghị quyết",
    "Chỉ thị",
    "Kết luận",
    "Quy định",
    "Quyết định",
    "Kế hoạch",
    "Chương trình hành động",
    "Đề án",
    "Thông tư",
    "Nghị định",
    "Hướng dẫn",
    "Báo cáo",
    "Công văn",
    "Luật",
    "Bộ luật",
    "Thông tri",
    "số",
    "Số:",
]
# Ordinary words (from the articles), none of them a kind word.
PLAIN_WORDS = [
    "học",
    "tập",
    "quán",
    "triệt",
    "tuyên",
    "truyền",
    "cán",
    "bộ",
    "đảng",
    "viên",
    "Nhân",
    "dân",
    "Tỉnh",
    "ủy",
    "Thành",
    "ủy",
    "Ban",
    "Thường",
    "vụ",
    "hội",
    "nghị",
    "lượt",
    "người",
    "tham",
    "gia",
    "đạt",
    "tỷ",
    "lệ",
    "trên",
    "các",
    "cấp",
    "ủy",
    "tổ",
    "chức",
    "ngày",
    "tháng",
    "năm",
    "nhiệm",
    "kỳ",
    "lần",
    "thứ",
    "Đại",
    "hội",
    "XIII",
    "XIV",
    "khóa",
    "Trung",
    "ương",
    "Bộ",
    "Chính",
    "trị",
    "của",
    "về",
    "và",
    "với",
    "đến",
    "từ",
    "trong",
    "Điều",
    "Khoản",
    "Mục",
    "trang",
    "điện",
    "thoại",
]

plain_word = st.sampled_from(PLAIN_WORDS)
vi_word = st.text(alphabet=VI_ALPHABET, min_size=1, max_size=7)
any_word = st.one_of(plain_word, st.sampled_from(KIND_WORDS), vi_word)
TOKENS = [
    "-",
    "–",
    "—",
    "/",
    " / ",
    " - ",
    ",",
    ";",
    "và",
    "số",
    "Số:",
    "NQ",
    "nq",
    "TW",
    "TƯ",
    "tw",
    "CTr",
    "QĐi",
    "ĐA",
    "QĐ",
    "TTg",
    "UBND",
    "KT",
    "QH14",
    "CP",
    "NĐ",
    "2020",
    "2019",
    "%",
    ".",
    "\n",
]
token_text = st.lists(
    st.one_of(
        st.sampled_from(TOKENS),
        any_word,
        st.integers(0, 99999).map(str),
        st.integers(0, 99).map(lambda n: f"{n:02d}"),
    ),
    max_size=25,
)
joined_text = st.tuples(token_text, st.sampled_from(["", " "])).map(lambda t: t[1].join(t[0]))

# REFS_EXAMPLES=5000 for a longer search; the default keeps this file under 15 s.
PROPS = settings(
    max_examples=int(os.environ.get("REFS_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _check_invariants(text: str, refs: list[Ref]) -> None:
    norm = normalize_for_refs(text)
    last_end = 0
    for r in refs:
        assert 0 <= r.start < r.end <= len(norm)
        assert r.start >= last_end, "refs overlap or are out of order"
        last_end = r.end
        assert str(r.number) in norm[r.start : r.end]
        assert r.system in {"party", "state", "bare"}
        assert (r.issuer is None) == (r.system == "bare") or r.system == "state"


@PROPS
@given(st.text())
def test_never_raises_on_arbitrary_unicode(text: str) -> None:
    _check_invariants(text, extract_refs(text))
    parse_symbol(text)


@PROPS
@given(st.text(alphabet=VI_ALPHABET + "0123456789 -–—/.,:;%\n\u00d0Ư"))
def test_never_raises_on_vietnamese_alphabet(text: str) -> None:
    _check_invariants(text, extract_refs(text))
    parse_symbol(text)


@PROPS
@given(joined_text)
def test_invariants_on_symbol_like_text(text: str) -> None:
    refs = extract_refs(text)
    _check_invariants(text, refs)
    for r in refs:  # round trip
        again = parse_symbol(r.symbol)
        assert again is not None, r
        assert again.symbol == r.symbol


@PROPS
@given(joined_text)
def test_nfd_gives_same_refs(text: str) -> None:
    assert extract_refs(unicodedata.normalize("NFD", text)) == extract_refs(text)


def _date(d: int, m: int, y: int, pad: bool) -> str:
    return f"{d:02d}/{m:02d}/{y}" if pad else f"{d}/{m}/{y}"


dates = st.builds(
    _date, st.integers(1, 31), st.integers(1, 12), st.integers(1900, 2099), st.booleans()
)
numbers = st.one_of(
    st.integers(1000, 9_999_999).map(lambda n: f"{n:,}".replace(",", ".")),  # 2.033
    st.builds(lambda a, b: f"{a},{b:02d}", st.integers(0, 999), st.integers(0, 99)),  # 8,30
    st.builds(lambda a, b: f"{a},{b}%", st.integers(0, 100), st.integers(0, 99)),  # 96,23%
    st.integers(0, 100).map(lambda n: f"{n}%"),
    st.builds(lambda a, b: f"{a}/{b}", st.integers(1, 9), st.integers(2, 9)),  # 1/2
    st.builds(
        lambda a, sep, b: f"{a}{sep}{b}",
        st.integers(1990, 2030),
        st.sampled_from(["-", "–", " - ", " – ", " — "]),
        st.integers(1990, 2050),
    ),  # 2020 – 2025
    st.builds(lambda a, b: f"{a}:{b:02d}", st.integers(0, 23), st.integers(0, 59)),  # 10:30
    st.builds(
        lambda a, b, c, sep: f"0{a}{sep}{b}{sep}{c}",
        st.integers(200, 999),
        st.integers(100, 9999),
        st.integers(100, 999),
        st.sampled_from([".", "-"]),
    ),  # phone
    st.integers(1, 99).map(lambda n: f"COVID-{n}"),
)


@PROPS
@given(st.lists(any_word, max_size=6), st.one_of(dates, numbers), st.lists(any_word, max_size=6))
def test_dates_and_numbers_never_inside_a_ref(
    before: list[str], needle: str, after: list[str]
) -> None:
    """Even right after a kind word or "số", a date or a number is never (part of) a ref."""
    prefix = " ".join(before) + (" " if before else "")
    text = prefix + needle + (" " if after else "") + " ".join(after)
    a, b = len(normalize_for_refs(prefix)), len(normalize_for_refs(prefix + needle))
    for r in extract_refs(text):
        assert r.end <= a or r.start >= b, (r, needle)


@PROPS
@given(
    st.lists(st.one_of(plain_word, st.integers(0, 99999).map(str)), max_size=20),
    st.sampled_from([" ", ", ", " - ", "; "]),
)
def test_plain_numbers_and_years_without_kind_word(words: list[str], sep: str) -> None:
    assert extract_refs(sep.join(words)) == []


PARTY_TYPES = ["NQ", "CT", "KL", "QĐ", "QĐi", "QyĐ", "HD", "KH", "CTr", "ĐA", "BC", "TB", "TTr"]
PARTY_ISSUERS = ["TW", "TU", "ĐU", "ĐUK", "HU", "BTGTU", "BTGDVTU", "VPTW", "UBKTTW"]
DASHES = ["-", "–", "—", " - ", "- ", " -"]
SLASHES = ["/", " / ", " /"]


@st.composite
def party_symbol(draw: st.DrawFn) -> tuple[str, str]:
    n = draw(st.integers(1, 9999))
    t = draw(st.sampled_from(PARTY_TYPES))
    i = draw(st.sampled_from(PARTY_ISSUERS))
    digits = draw(st.sampled_from([str(n), f"{n:02d}", f"{n:03d}"]))
    written_i = i.replace("TW", "TƯ") if draw(st.booleans()) else i
    written = f"{digits}{draw(st.sampled_from(DASHES))}{t}{draw(st.sampled_from(SLASHES))}"
    written += written_i
    if draw(st.booleans()):
        written = written.lower()
    return written, f"{n:02d}-{t}/{i}"


STATE_TYPES = ["NĐ", "TT", "QĐ", "NQ", "CT", "KH", "TTLT"]
STATE_ISSUERS = ["CP", "TTg", "BTC", "UBND", "BNV", "HĐND", "BTC-BNV", "BGDĐT"]


@st.composite
def state_symbol(draw: st.DrawFn) -> tuple[str, str]:
    n = draw(st.integers(1, 99999))
    t = draw(st.sampled_from(STATE_TYPES))
    i = draw(st.sampled_from(STATE_ISSUERS))
    year = draw(st.one_of(st.none(), st.integers(1990, 2030)))
    head = f"{n}/" + (f"{year}/" if year else "")
    canon_head = f"{n:02d}/" + (f"{year}/" if year else "")
    return f"{head}{t}{draw(st.sampled_from(['-', '–', ' - ']))}{i}", f"{canon_head}{t}-{i}"


PREFIXES = ["", "Số ", "Số: ", "số ", "Nghị quyết số ", "theo Kế hoạch số ", "các văn bản số "]


@PROPS
@given(
    st.one_of(party_symbol(), state_symbol()),
    st.sampled_from(PREFIXES),
    st.lists(plain_word, max_size=5),
    st.lists(plain_word, max_size=5),
)
def test_generated_symbols_are_found_and_round_trip(
    sym: tuple[str, str], prefix: str, before: list[str], after: list[str]
) -> None:
    written, canonical = sym
    text = " ".join([*before, prefix + written, *after])
    refs = extract_refs(text)
    assert [r.symbol for r in refs] == [canonical]
    ref = refs[0]
    assert ref.symbol == canonical
    again = parse_symbol(prefix.removeprefix("theo ").removeprefix("các ") + written)
    assert again is not None and again.symbol == canonical
    back = parse_symbol(canonical)
    assert back is not None and back.symbol == canonical
    assert (back.number, back.type, back.issuer, back.year) == (
        ref.number,
        ref.type,
        ref.issuer,
        ref.year,
    )


def test_module_has_no_django_dependency() -> None:
    import tuyengiao.lib.refs as mod

    source = Path(mod.__file__).read_text(encoding="utf-8")
    assert not re.search(r"^\s*(from|import)\s+django", source, re.MULTILINE)
