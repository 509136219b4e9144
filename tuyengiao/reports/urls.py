from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("don-vi/<str:code>/", views.unit_dashboard, name="unit"),
    path("lap-bao-cao/", views.report_new, name="new"),
    path("lap-bao-cao/don-vi/", views.report_units, name="units"),
    path("yeu-cau/<int:pk>/", views.report_request, name="request"),
    path("yeu-cau/<int:pk>/tai-ve/", views.report_download, name="download"),
]
