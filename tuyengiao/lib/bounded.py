"""Reading a zip container (XLSX, ODS, DOCX, a zip of CSV) without trusting what it says.

``check_zip`` refuses a container by its declared sizes before anything is decompressed;
``ZipBudget`` then streams members and counts the bytes that actually come out, so a
member whose header lies stops at the limit too. No Django: runs in the child process
of ``tuyengiao.lib.isolated``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator

from tuyengiao.lib.isolated import Limits, Refused

_CHUNK = 1 << 16


def _fmt(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def check_zip(name: str, archive: zipfile.ZipFile, limits: Limits) -> list[zipfile.ZipInfo]:
    """Refuse a container whose declared sizes, member count or ratios are out of bounds."""
    infos = archive.infolist()
    bomb = (
        f"Tệp '{name}' bị từ chối: nội dung giải nén quá lớn so với tệp (có thể là "
        f"'bom nén'). Giới hạn: {_fmt(limits.max_unzipped_bytes // (1024 * 1024))} MB sau khi "
        f"giải nén, tỉ lệ nén tối đa {limits.max_zip_ratio} lần."
    )
    if len(infos) > limits.max_zip_members:
        raise Refused(
            f"Tệp '{name}' chứa {_fmt(len(infos))} tệp con, vượt giới hạn "
            f"{_fmt(limits.max_zip_members)}."
        )
    if sum(i.file_size for i in infos) > limits.max_unzipped_bytes:
        raise Refused(bomb)
    for info in infos:
        if info.file_size > (1 << 20) and info.file_size > limits.max_zip_ratio * max(
            info.compress_size, 1
        ):
            raise Refused(bomb)
    return infos


class ZipBudget:
    """Bytes still allowed out of one container; members are measured as they stream."""

    def __init__(self, name: str, limits: Limits):
        self.left = limits.max_unzipped_bytes
        self.name = name
        self.limits = limits

    def chunks(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                self.left -= len(chunk)
                if self.left < 0:
                    raise Refused(
                        f"Tệp '{self.name}' bị từ chối: nội dung giải nén vượt giới hạn "
                        f"{_fmt(self.limits.max_unzipped_bytes // (1024 * 1024))} MB."
                    )
                yield chunk

    def read(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
        return b"".join(self.chunks(archive, info))
