from django.urls import path

from tuyengiao.lib.codes import register_url_converter

from . import views

register_url_converter()

app_name = "orgs"
urlpatterns = [
    path("don-vi/", views.tree, name="tree"),
    path("tim-don-vi/", views.unit_picker_search, name="unit_picker_search"),
    path("don-vi/<code:code>/truc-thuoc/", views.unit_children, name="unit_children"),
    path("don-vi/<code:code>/", views.unit_detail, name="unit"),
    path("don-vi/<code:code>/sua/", views.unit_edit, name="unit_edit"),
    path("don-vi/<code:code>/co-cau/", views.unit_structure, name="unit_structure"),
    path("don-vi/<code:code>/danh-muc-xa/", views.official_list, name="official_list"),
    path("don-vi/<code:code>/danh-muc-xa/<int:pk>/", views.official_run, name="official_run"),
    path("don-vi/<code:code>/tai-khoan/", views.unit_accounts, name="unit_accounts"),
    path("kich-hoat/", views.activate, name="activate"),
    path("dang-vien/<code:code>/", views.member_detail, name="member"),
    path("dang-vien/<code:code>/sua/", views.member_edit, name="member_edit"),
    path("dang-vien/<code:code>/tai-khoan/", views.member_account, name="member_account"),
]
