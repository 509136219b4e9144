from django.urls import path

from . import views

app_name = "study"
urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("dot-moi/", views.campaign_new, name="campaign_new"),
    path("dot/<int:pk>/", views.campaign_detail, name="campaign"),
    path("dot/<int:pk>/hoi-nghi-moi/", views.session_new, name="session_new"),
    path("hoi-nghi/<str:code>/", views.session_detail, name="session"),
    path("hoi-nghi/<str:code>/cap-nhat/", views.session_update, name="session_update"),
    path("hoi-nghi/<str:code>/diem-cau/", views.bridge_add, name="bridge_add"),
    path("hoi-nghi/<str:code>/diem-danh/", views.grid, name="grid"),
    path(
        "hoi-nghi/<str:code>/diem-danh/nhom/<str:unit_code>/", views.grid_group, name="grid_group"
    ),
    path(
        "hoi-nghi/<str:code>/diem-danh/nhom/<str:unit_code>/co-mat/",
        views.grid_group_present,
        name="grid_group_present",
    ),
    path("hoi-nghi/<str:code>/diem-danh/<str:member_code>/", views.grid_mark, name="grid_mark"),
    path("hoi-nghi/<str:code>/ma-qr/", views.qr_screen, name="qr"),
    path("hoi-nghi/<str:code>/ma-qr/anh/", views.qr_code, name="qr_code"),
    path("hoi-nghi/<str:code>/mo-diem-danh-ra/", views.checkout_open, name="checkout_open"),
    path("hoi-nghi/<str:code>/diem-danh.xlsx", views.export, name="export"),
    path("quet/", views.scan, name="scan"),
    path("cua-toi/", views.history, name="history"),
]
