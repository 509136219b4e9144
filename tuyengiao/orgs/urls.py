from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("don-vi/", views.tree, name="tree"),
    path("tim-don-vi/", views.unit_picker_search, name="unit_picker_search"),
    path("don-vi/<str:code>/truc-thuoc/", views.unit_children, name="unit_children"),
    path("don-vi/<str:code>/", views.unit_detail, name="unit"),
    path("don-vi/<str:code>/sua/", views.unit_edit, name="unit_edit"),
    path("don-vi/<str:code>/co-cau/", views.unit_structure, name="unit_structure"),
    path("don-vi/<str:code>/danh-muc-xa/", views.official_list, name="official_list"),
    path("don-vi/<str:code>/danh-muc-xa/<int:pk>/", views.official_run, name="official_run"),
    path("dang-vien/<str:code>/", views.member_detail, name="member"),
    path("dang-vien/<str:code>/sua/", views.member_edit, name="member_edit"),
]
