from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from tuyengiao.api.api import urlconf as api_urls
from tuyengiao.orgs import views as org_views

urlpatterns = [
    path("", org_views.home, name="home"),
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("tuyengiao.orgs.urls")),
    path("nhap-du-lieu/", include("tuyengiao.imports.urls")),
    path("van-ban/", include("tuyengiao.documents.urls")),
    path("hoc-tap/", include("tuyengiao.study.urls")),
    path("bao-cao-vien/", include("tuyengiao.presenters.urls")),
    path("ky-bao-cao/", include("tuyengiao.periods.urls")),
    path("bai-thu-hoach/", include("tuyengiao.essays.urls")),
    path("khao-sat/", include("tuyengiao.surveys.urls")),
    path("", include("tuyengiao.media.urls")),  # tin-bai/, khen-thuong/
    path("thuc-hien/", include("tuyengiao.followup.urls")),
    path("cuoc-thi/", include("tuyengiao.contests.urls")),
    path("bao-cao/", include("tuyengiao.reports.urls")),
    path("an-toan/", include("tuyengiao.trust.urls")),
    path("khoa-api/", include("tuyengiao.api.urls")),
    path("api/v1/", api_urls()),
    path("quan-tri/", admin.site.urls),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
