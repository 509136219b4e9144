"""A ``Đơn vị`` workbook of the real national tree (root, 34 provinces, 3,321
communes, synthetic cells up to the scale's rows) through the import framework end
to end, first import and re-import (see ``bench.import_orgs``).

Keys: import_units_rows, import_units_rows_per_s, import_units_peak_mb and the
same for the re-import (reimport_units_*).
"""

from __future__ import annotations

from typing import Any

from bench.import_orgs import ensure_units


def measure(ctx: Any) -> dict[str, Any]:
    return ensure_units(ctx)
