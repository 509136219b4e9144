"""Vietnamese formats that Django's built-in ``vi`` locale leaves unset or wrong.

Django's own ``vi`` module has no thousands grouping (``2033`` instead of ``2.033``)
and no input formats, so ``05/03/2025`` would fall back to month-first parsing:
silently 3 May. These override it through ``FORMAT_MODULE_PATH``.
"""

DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "H:i d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "d/m"
YEAR_MONTH_FORMAT = "m/Y"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 05/03/2025
    "%d/%m/%y",  # 05/03/25
    "%d-%m-%Y",  # 05-03-2025
    "%d.%m.%Y",  # 05.03.2025
    "%Y-%m-%d",  # ISO, what <input type=date> sends
]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%Hh%M", "%Hg%M"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%H:%M %d/%m/%Y",
    "%Y-%m-%dT%H:%M",  # <input type=datetime-local>
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
