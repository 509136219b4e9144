from django.urls import path

from tuyengiao.lib.codes import register_url_converter

from . import views

register_url_converter()

app_name = "media"
urlpatterns = [
    path("tin-bai/", views.media_list, name="list"),
    path("tin-bai/them/", views.media_new, name="new"),
    path("tin-bai/<int:pk>/sua/", views.media_edit, name="edit"),
    path("tin-bai/don-vi/<code:code>/", views.unit_panel, name="unit_panel"),
    path("khen-thuong/", views.award_list, name="awards"),
    path("khen-thuong/them/", views.award_new, name="award_new"),
    path("khen-thuong/<code:code>/sua/", views.award_edit, name="award_edit"),
]
