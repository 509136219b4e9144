import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()

from tuyengiao.study.fastscan import ScanFastPath  # noqa: E402  (needs settings)

# The QR scan's confirm step is answered in front of the middleware stack when
# everything about it is plain; anything else reaches Django unchanged.
application = ScanFastPath(django_application)
