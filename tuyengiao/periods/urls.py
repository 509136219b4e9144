from django.urls import path

from tuyengiao.lib.codes import register_url_converter

from . import views

register_url_converter()

app_name = "periods"
urlpatterns = [
    path("", views.period_list, name="list"),
    path("mo-ky/", views.period_new, name="new"),
    path("<int:pk>/", views.period_detail, name="detail"),
    path("<int:pk>/don-vi/<code:code>/", views.unit_report, name="unit"),
    path("<int:pk>/don-vi/<code:code>/nop/", views.submit, name="submit"),
    path("<int:pk>/don-vi/<code:code>/rut-lai/", views.withdraw, name="withdraw"),
    path("<int:pk>/don-vi/<code:code>/phe-duyet/", views.approve, name="approve"),
    path("<int:pk>/don-vi/<code:code>/tra-lai/", views.return_report, name="return"),
    path("<int:pk>/don-vi/<code:code>/mo-lai/", views.reopen, name="reopen"),
    path("<int:pk>/don-vi/<code:code>/tai-ve/<str:fmt>/", views.download, name="download"),
]
