"""Settings for the check-in benchmark server: the real settings plus one empty
view (``bench/urls.py``) to measure the framework's own cost in the same run."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
