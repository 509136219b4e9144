from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from tuyengiao.essays import services
from tuyengiao.essays.models import Mode
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.study import services as study_services
from tuyengiao.tests import factories

RESOLUTION = (
    "Khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số là đột phá quan trọng hàng đầu, "
    "là động lực chính để phát triển nhanh lực lượng sản xuất hiện đại, hoàn thiện quan hệ sản "
    "xuất, đổi mới phương thức quản trị quốc gia, phát triển kinh tế xã hội."
)
RUBRIC = [
    {
        "name": "Nội dung",
        "levels": [
            {"label": "Tốt", "points": 4},
            {"label": "Đạt", "points": 2},
            {"label": "Chưa đạt", "points": 0},
        ],
    },
    {
        "name": "Liên hệ",
        "levels": [
            {"label": "Tốt", "points": 4},
            {"label": "Đạt", "points": 2},
            {"label": "Chưa đạt", "points": 0},
        ],
    },
]

SENTENCES = [
    "Ở thôn tôi nhiều hộ đã bán chè và mận trên mạng với giá cao hơn trước đây.",
    "Chi bộ phân công đảng viên trẻ hướng dẫn bà con cài ứng dụng định danh điện tử.",
    "Tôi sẽ học thêm về an toàn thông tin để tránh bị lừa đảo qua điện thoại.",
    "Giống cây mới và kỹ thuật tưới tiết kiệm là khoa học gần gũi với nông dân.",
    "Nhà văn hóa thôn nên có điểm truy cập internet miễn phí cho học sinh.",
    "Cán bộ thôn cập nhật số liệu hộ nghèo lên hệ thống để xã theo dõi.",
    "Đảng ủy xã nên mở lớp tập huấn ngắn về thương mại điện tử cho tổ hợp tác.",
    "Gia đình tôi thanh toán tiền điện nước bằng tài khoản ngân hàng.",
    "Đoàn thanh niên cùng chi bộ hướng dẫn kỹ năng số vào tối thứ bảy hằng tuần.",
    "Đảng viên lớn tuổi còn ngại dùng công nghệ cần được kèm cặp tận tình.",
]


def essay_text(seed: int, sentences: int = 6) -> str:
    import random

    rng = random.Random(seed)
    return " ".join(rng.sample(SENTENCES, sentences)) + f" Bài viết số {seed} của tôi."


@pytest.fixture
def ew(world: Any) -> Any:
    """XA1's campaign on 57-NQ/TW (whose body is ``RESOLUTION``) with an essay graded by
    a rubric, due in ten days; XA2 has its own campaign."""
    document = factories.document(body=RESOLUTION)
    start = timezone.localdate() - dt.timedelta(days=30)
    campaign = study_services.campaign_create(
        actor=SYSTEM,
        title="Học tập Nghị quyết 57",
        documents=[document],
        owner=world.commune,
        start=start,
        deadline=start + dt.timedelta(days=60),
    )
    sibling = study_services.campaign_create(
        actor=SYSTEM,
        title="Học tập Nghị quyết 57 (xã Hai)",
        documents=[document],
        owner=world.sibling_commune,
        start=start,
        deadline=start + dt.timedelta(days=60),
    )
    req = services.requirement_save(
        actor=SYSTEM,
        campaign=campaign,
        document=document,
        deadline=timezone.now() + dt.timedelta(days=10),
        mode=Mode.RUBRIC,
        rubric=RUBRIC,
    )
    sibling_req = services.requirement_save(
        actor=SYSTEM,
        campaign=sibling,
        document=document,
        deadline=timezone.now() + dt.timedelta(days=10),
    )
    return SimpleNamespace(
        w=world, document=document, campaign=campaign, req=req, sibling_req=sibling_req
    )


def record(req: Any, member: Any, text: str, at: dt.datetime | None = None) -> Any:
    return services.essay_record(
        actor=SYSTEM,
        requirement=req,
        member=member,
        text=text,
        submitted_at=at or timezone.now(),
    )
