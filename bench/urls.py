from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


def empty(request: HttpRequest) -> HttpResponse:
    """The baseline: the full middleware stack, no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/empty/", empty, name="bench-empty"), *app_urlpatterns]
