from django.urls import path

from tuyengiao.lib.codes import register_url_converter

from . import views

register_url_converter()

app_name = "presenters"
urlpatterns = [
    path("", views.roster, name="roster"),
    path("them/", views.presenter_new, name="new"),
    path("bcv/<code:code>/", views.presenter_detail, name="detail"),
    path("bcv/<code:code>/sua/", views.presenter_edit, name="edit"),
    path("don-vi/<code:code>/thieu/", views.unit_gaps, name="unit_gaps"),
    path("hoi-nghi/<code:code>/", views.session_panel, name="session"),
    path("hoi-nghi/<code:code>/them/", views.session_add, name="session_add"),
    path("hoi-nghi/<code:code>/bo/", views.session_remove, name="session_remove"),
]
