from django.urls import path

from tuyengiao.lib.codes import register_url_converter

from . import views

register_url_converter()

app_name = "contests"
urlpatterns = [
    path("", views.home, name="home"),
    path("ngan-hang/", views.banks, name="banks"),
    path("ngan-hang/tao/", views.bank_new, name="bank_new"),
    path("ngan-hang/<code:code>/", views.bank_detail, name="bank"),
    path("ngan-hang/<code:code>/nhap/", views.bank_upload, name="bank_upload"),
    path("ngan-hang/<code:code>/duyet/", views.bank_approve, name="bank_approve"),
    path("ngan-hang/<code:code>/xuat/<str:fmt>/", views.bank_export, name="bank_export"),
    path("nhap/<int:pk>/", views.import_job, name="import_job"),
    path("tao/", views.contest_new, name="contest_new"),
    path("van-ban/<int:pk>/", views.paragraph, name="paragraph"),
    path("bai/<str:key>/", views.attempt_page, name="attempt"),
    path("bai/<str:key>/tra-loi/", views.answer, name="answer"),
    path("bai/<str:key>/nop/", views.submit, name="submit"),
    path("<code:code>/", views.contest_detail, name="contest"),
    path("<code:code>/vong/", views.round_new, name="round_new"),
    path("<code:code>/vong/<int:number>/lam-bai/", views.start, name="start"),
    path("<code:code>/vong/<int:number>/xep-hang/", views.ranking, name="ranking"),
    path("<code:code>/don-vi/", views.unit_results, name="units"),
    path("<code:code>/tu-do/", views.public_entry, name="public"),
]
