from django.urls import path

from . import views

app_name = "trust"
urlpatterns = [
    path("nhat-ky/", views.audit_log, name="audit_log"),
    path("hai-lop/", views.enrol, name="enrol"),
    path("xac-minh/", views.verify, name="verify"),
    path("doi-mat-khau/", views.password_change, name="password_change"),
    path("xuat/<str:code>/dang-vien.xlsx", views.member_export, name="member_export"),
]
