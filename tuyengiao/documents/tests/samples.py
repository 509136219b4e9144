"""Document files for tests, built in memory (no fixtures on disk)."""

from __future__ import annotations

import io

PLAN_TXT = """BAN CHẤP HÀNH ĐẢNG BỘ TỈNH LÀO CAI                ĐẢNG CỘNG SẢN VIỆT NAM
BAN TUYÊN GIÁO VÀ DÂN VẬN
*
Số 15-KH/BTGDVTU                              Lào Cai, ngày 10 tháng 02 năm 2025

KẾ HOẠCH
TUYÊN TRUYỀN THỰC HIỆN NGHỊ QUYẾT SỐ 57-NQ/TW
CỦA BỘ CHÍNH TRỊ VỀ ĐỘT PHÁ PHÁT TRIỂN KHOA HỌC, CÔNG NGHỆ
-----

Thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị và Kế hoạch số 02-KH/TU
của Tỉnh ủy, Ban Tuyên giáo và Dân vận Tỉnh ủy xây dựng kế hoạch tuyên truyền như sau.
"""


def docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF with ASCII text lines (Helvetica); empty ``lines`` gives a page with
    no text layer, like a scanned image."""
    ops = ["BT", "/F1 12 Tf", "72 760 Td", "14 TL"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({escaped}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1") if lines else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()
