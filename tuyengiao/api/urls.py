from django.urls import path

from . import views

app_name = "api_keys"
urlpatterns = [
    path("", views.key_list, name="list"),
    path("<int:pk>/thu-hoi/", views.key_revoke, name="revoke"),
]
