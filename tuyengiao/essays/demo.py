"""Demo data: the essay of the study demo's campaign (Nghị quyết 57-NQ/TW).

A rubric of three criteria; the members of the demo cell secretary's cell (``chibo``)
hand in essays written from a pool of sentences — three of them nearly the same, one
that mostly quotes the resolution (which is not copying) — some marked, some
released, one late; the copy check is run. The ``dangvien`` account's member is left
to write their own. Deterministic and idempotent: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Assignment, Role
from tuyengiao.orgs.selectors import members_of_subtree
from tuyengiao.study.models import Campaign

from . import services
from .models import EssayRequirement, Mode

RUBRIC = [
    {
        "name": "Nắm nội dung nghị quyết",
        "levels": [
            {"label": "Tốt", "points": 4},
            {"label": "Khá", "points": 3},
            {"label": "Đạt", "points": 2},
            {"label": "Chưa đạt", "points": 0},
        ],
    },
    {
        "name": "Liên hệ bản thân, đơn vị",
        "levels": [
            {"label": "Tốt", "points": 4},
            {"label": "Khá", "points": 3},
            {"label": "Đạt", "points": 2},
            {"label": "Chưa đạt", "points": 0},
        ],
    },
    {
        "name": "Hình thức trình bày",
        "levels": [{"label": "Tốt", "points": 2}, {"label": "Đạt", "points": 1}],
    },
]

OPENINGS = [
    "Qua học tập, quán triệt Nghị quyết 57-NQ/TW của Bộ Chính trị, bản thân tôi nhận thức sâu sắc hơn vai trò của khoa học, công nghệ đối với sự phát triển của đất nước.",
    "Sau khi được nghe báo cáo viên truyền đạt nội dung nghị quyết, tôi thấy rõ trách nhiệm của mỗi đảng viên ở cơ sở trong chuyển đổi số.",
    "Nghị quyết đã chỉ ra những hạn chế, yếu kém trong thời gian qua và đề ra nhiều giải pháp mang tính đột phá mà tôi tâm đắc.",
    "Là đảng viên sinh hoạt tại chi bộ thôn, tôi xác định việc học tập nghị quyết phải gắn với công việc hằng ngày của gia đình và thôn bản.",
]
BODIES = [
    "Ở thôn tôi, nhiều hộ đã dùng điện thoại thông minh để bán chè, mận và gạo trên mạng, giá bán cao hơn trước.",
    "Chi bộ cần phân công đảng viên trẻ hướng dẫn bà con cài đặt ứng dụng định danh điện tử và dịch vụ công trực tuyến.",
    "Tôi sẽ tự học thêm về an toàn thông tin để không bị lừa đảo qua mạng và nhắc nhở người thân cùng thực hiện.",
    "Việc đưa giống cây trồng mới và kỹ thuật tưới tiết kiệm vào sản xuất là cách áp dụng khoa học gần gũi nhất với nông dân.",
    "Nhà văn hóa thôn nên có điểm truy cập internet miễn phí để thanh niên và học sinh tra cứu tài liệu.",
    "Cán bộ thôn cần cập nhật số liệu hộ nghèo, hộ cận nghèo lên hệ thống để xã theo dõi kịp thời.",
    "Tôi đề nghị Đảng ủy xã mở lớp tập huấn ngắn về thương mại điện tử cho các tổ hợp tác.",
    "Bản thân tôi cam kết thanh toán điện, nước và học phí cho con bằng tài khoản ngân hàng thay vì tiền mặt.",
    "Hội Phụ nữ và Đoàn Thanh niên có thể cùng chi bộ tổ chức các buổi hướng dẫn kỹ năng số vào tối thứ bảy.",
    "Trong thời gian tới, chi bộ cần đưa nội dung chuyển đổi số vào nghị quyết sinh hoạt hằng tháng.",
    "Tôi nhận thấy một số đảng viên lớn tuổi còn ngại dùng công nghệ, cần được kèm cặp, giúp đỡ tận tình.",
    "Gia đình tôi sẽ thử nghiệm nhật ký sản xuất điện tử để truy xuất nguồn gốc sản phẩm chè.",
]
QUOTE = (
    "Khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số là đột phá quan trọng hàng đầu, là "
    "động lực chính để phát triển nhanh lực lượng sản xuất hiện đại, hoàn thiện quan hệ sản xuất, "
    "đổi mới phương thức quản trị quốc gia, phát triển kinh tế - xã hội, ngăn chặn nguy cơ tụt "
    "hậu, đưa đất nước phát triển bứt phá, giàu mạnh trong kỷ nguyên mới."
)


WHO = [
    "Bản thân tôi",
    "Chi bộ thôn",
    "Gia đình tôi",
    "Đoàn viên trẻ",
    "Hội phụ nữ",
    "Tổ hòa giải",
    "Cán bộ thôn",
    "Bà con bản",
]
DO = [
    "sẽ cố gắng",
    "cam kết",
    "cần chủ động",
    "đã bắt đầu",
    "đề nghị được",
    "quyết tâm",
    "mong muốn",
    "phải thường xuyên",
]
WHAT = [
    "học dùng điện thoại",
    "bán chè qua mạng",
    "mở sổ tay điện tử",
    "nộp hồ sơ trực tuyến",
    "trả tiền qua ngân hàng",
    "tra cứu giá nông sản",
    "cài định danh điện tử",
    "giữ an toàn tài khoản",
]
WHEN = [
    "ngay trong quý này",
    "vào tối thứ bảy",
    "trước mùa thu hoạch",
    "từ đầu năm tới",
    "mỗi kỳ sinh hoạt",
    "khi có lớp tập huấn",
    "cùng các hộ lân cận",
    "theo hướng dẫn của xã",
]


def _essay(rng: random.Random) -> str:
    sentences = [
        f"{rng.choice(WHO)} {rng.choice(DO)} {rng.choice(WHAT)} {rng.choice(WHEN)}."
        for _ in range(9)
    ]
    return rng.choice(OPENINGS) + "\n\n" + " ".join(sentences)


@transaction.atomic
def build(seed: int = 128) -> str:
    from tuyengiao.study.demo import DEADLINE, TITLE

    campaign = Campaign.objects.filter(title=TITLE).first()
    chibo = (
        Assignment.objects.select_related("unit")
        .filter(user__username="chibo", role=Role.CELL_SECRETARY)
        .first()
    )
    if (
        campaign is None
        or chibo is None
        or EssayRequirement.objects.filter(campaign=campaign).exists()
    ):
        return ""
    document = campaign.documents.first()
    if document is None:
        return ""
    if QUOTE not in document.body:
        document.body = (document.body + "\n\n" + QUOTE).strip()
        document.save(update_fields=["body"])
    req = services.requirement_save(
        actor=SYSTEM,
        campaign=campaign,
        document=document,
        deadline=timezone.make_aware(dt.datetime.combine(DEADLINE, dt.time(23, 59))),
        mode=Mode.RUBRIC,
        rubric=RUBRIC,
        instructions="Bài thu hoạch 800 đến 1.500 chữ: nội dung cốt lõi của nghị quyết và "
        "liên hệ bản thân, chi bộ.",
    )
    rng = random.Random(seed)  # noqa: S311  seeded generator for demo data, not a secret
    members = [
        m
        for m in members_of_subtree(chibo.unit, DEADLINE).order_by("sort_key")[:14]
        if m.user_id is None
    ]
    copied = _essay(rng)
    made = []
    for i, member in enumerate(members[:12]):
        if i < 3:
            text = copied if i == 0 else copied.replace("tôi", "bản thân tôi", 1 + i)
        elif i == 3:
            text = QUOTE + "\n\n" + rng.choice(BODIES) + " " + _essay(rng)
        else:
            text = _essay(rng)
        day = DEADLINE - dt.timedelta(days=20 - i) if i != 11 else DEADLINE + dt.timedelta(days=3)
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(20, 15)))
        made.append(
            services.essay_record(
                actor=SYSTEM, requirement=req, member=member, text=text, submitted_at=at
            )
        )
    for i, essay in enumerate(made[:8]):
        scores = {"0": rng.randrange(3), "1": rng.randrange(3), "2": rng.randrange(2)}
        services.essay_mark(actor=SYSTEM, essay=essay, scores=scores, comment="", ready=True)
        if i < 5:
            essay.refresh_from_db()
            services.essays_release(actor=SYSTEM, essays=[essay])
    run = services.similarity_request(actor=SYSTEM, requirement=req)
    services.similarity_run(run_id=run.pk)
    run.refresh_from_db()
    return (
        f"Bài thu hoạch: {len(made)} bài của {chibo.unit.name} (chấm theo thang điểm), "
        f"kiểm tra trùng lặp: {run.flagged} cặp đáng chú ý."
    )
