"""The real URLs plus one view that fails, to see what an error page shows."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as real


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret-internal-detail in /srv/app/settings.py")


urlpatterns = [*real, path("loi-thu/", boom)]
