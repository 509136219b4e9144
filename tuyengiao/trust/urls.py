from django.urls import path

from tuyengiao.lib.codes import register_url_converter

from . import views

register_url_converter()

app_name = "trust"
urlpatterns = [
    path("nhat-ky/", views.audit_log, name="audit_log"),
    path("hai-lop/", views.enrol, name="enrol"),
    path("xac-minh/", views.verify, name="verify"),
    path("doi-mat-khau/", views.password_change, name="password_change"),
    path("xuat/<code:code>/dang-vien.xlsx", views.member_export, name="member_export"),
]
