"""Demo data: two surveys of the demo province.

- ``KS-2025-NQ57``: a sociological survey on the study of the resolutions, autumn
  2025, answered in most communes (tens of respondents each) and in a few cells with
  two to four (so the results page shows hidden figures and their secondary
  suppression).
- ``KS-MOI``: the same form open from today for 60 days with nothing answered, to try
  the respondent's page and its QR code.

Deterministic and idempotent: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from tuyengiao.lib.numbers import format_int
from tuyengiao.orgs.access import SYSTEM
from tuyengiao.orgs.models import Unit
from tuyengiao.orgs.selectors import today

from . import services
from .forms_demo import xlsform
from .models import Survey

CODE = "KS-2025-NQ57"
OPEN_CODE = "KS-MOI"
START, END = dt.date(2025, 9, 15), dt.date(2025, 10, 31)


@transaction.atomic
def build(seed: int = 57) -> str:
    province = Unit.objects.filter(code="TU-LC").first()
    if province is None or Survey.objects.filter(code=CODE).exists():
        return ""
    rng = random.Random(seed)  # noqa: S311  seeded generator for demo data, not a secret
    form = services.read_form("khao-sat.xlsx", xlsform(form_id=CODE))
    survey, _ = services.survey_save(
        actor=SYSTEM,
        form=form,
        unit=province,
        date_from=START,
        date_to=END,
        source_name="khao-sat.xlsx",
    )
    services.survey_save(
        actor=SYSTEM,
        form=form | {"code": OPEN_CODE, "title": "Khảo sát nhanh sau hội nghị"},
        unit=province,
        date_from=today(),
        date_to=today() + dt.timedelta(days=60),
    )
    spec = services.FormSpec.of(survey)
    communes = list(
        Unit.objects.filter(path__startswith=province.path, kind__icontains="xã", valid_to=None)
        .exclude(pk=province.pk)
        .order_by("code")
    )
    made = 0
    for index, commune in enumerate(communes):
        if index % 7 == 6:
            continue  # some communes did not take part
        cells = list(Unit.objects.filter(parent=commune, valid_to=None).order_by("code")[:3])
        places = [(commune, rng.randint(8, 40))]
        places += [(cell, rng.choice([2, 3, 4, 6, 9, 12])) for cell in cells]
        for unit, count in places:
            for _ in range(count):
                day = START + dt.timedelta(days=rng.randint(0, (END - START).days))
                good = rng.random() < 0.93
                raw = {
                    "vai_tro": "tot" if good else rng.choice(["chua_tot", "khong_biet"]),
                    "kenh": " ".join(
                        sorted(rng.sample(["hoi_nghi", "bao_chi", "mang"], rng.randint(1, 3)))
                    ),
                    "so_buoi": str(rng.randint(1, 6)),
                }
                services.response_submit(actor=SYSTEM, spec=spec, unit=unit, raw=raw, day=day)
                made += 1
    return f"Đã tạo khảo sát mẫu {CODE}: {format_int(made)} phiếu trả lời."
