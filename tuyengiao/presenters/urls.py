from django.urls import path

from . import views

app_name = "presenters"
urlpatterns = [
    path("", views.roster, name="roster"),
    path("them/", views.presenter_new, name="new"),
    path("bcv/<str:code>/", views.presenter_detail, name="detail"),
    path("bcv/<str:code>/sua/", views.presenter_edit, name="edit"),
    path("don-vi/<str:code>/thieu/", views.unit_gaps, name="unit_gaps"),
    path("hoi-nghi/<str:code>/", views.session_panel, name="session"),
    path("hoi-nghi/<str:code>/them/", views.session_add, name="session_add"),
    path("hoi-nghi/<str:code>/bo/", views.session_remove, name="session_remove"),
]
