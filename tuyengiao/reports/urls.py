from django.urls import path

from tuyengiao.lib.codes import register_url_converter

from . import views

register_url_converter()

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("don-vi/<code:code>/", views.unit_dashboard, name="unit"),
    path("lap-bao-cao/", views.report_new, name="new"),
    path("lap-bao-cao/don-vi/", views.report_units, name="units"),
    path("yeu-cau/<int:pk>/", views.report_request, name="request"),
    path("yeu-cau/<int:pk>/tai-ve/", views.report_download, name="download"),
]
