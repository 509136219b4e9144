from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("xac-nhan/", views.confirm, name="confirm"),
    path("xu-ly/<int:pk>/", views.job_detail, name="job"),
    path("lan-nhap/<int:batch_id>/", views.batch_detail, name="batch"),
    path("mau.xlsx", views.template_download, name="template"),
]
