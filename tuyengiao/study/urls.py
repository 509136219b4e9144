from django.urls import path

from tuyengiao.lib.codes import register_url_converter

from . import views

register_url_converter()

app_name = "study"
urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("dot-moi/", views.campaign_new, name="campaign_new"),
    path("dot/<int:pk>/", views.campaign_detail, name="campaign"),
    path("dot/<int:pk>/hoi-nghi-moi/", views.session_new, name="session_new"),
    path("hoi-nghi/<code:code>/", views.session_detail, name="session"),
    path("hoi-nghi/<code:code>/lich.ics", views.session_ics, name="session_ics"),
    path("lich.ics", views.calendar_ics, name="calendar_ics"),
    path("hoi-nghi/<code:code>/cap-nhat/", views.session_update, name="session_update"),
    path("hoi-nghi/<code:code>/diem-cau/", views.bridge_add, name="bridge_add"),
    path("hoi-nghi/<code:code>/diem-danh/", views.grid, name="grid"),
    path(
        "hoi-nghi/<code:code>/diem-danh/nhom/<code:unit_code>/", views.grid_group, name="grid_group"
    ),
    path(
        "hoi-nghi/<code:code>/diem-danh/nhom/<code:unit_code>/co-mat/",
        views.grid_group_present,
        name="grid_group_present",
    ),
    path("hoi-nghi/<code:code>/diem-danh/<code:member_code>/", views.grid_mark, name="grid_mark"),
    path("hoi-nghi/<code:code>/ma-qr/", views.qr_screen, name="qr"),
    path("hoi-nghi/<code:code>/ma-qr/anh/", views.qr_code, name="qr_code"),
    path("hoi-nghi/<code:code>/mo-diem-danh-ra/", views.checkout_open, name="checkout_open"),
    path("hoi-nghi/<code:code>/diem-danh.xlsx", views.export, name="export"),
    path("quet/", views.scan, name="scan"),
    path("cua-toi/", views.history, name="history"),
]
