from django.urls import path

from tuyengiao.lib.codes import register_url_converter

from . import views

register_url_converter()

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("tao/", views.survey_new, name="new"),
    path("tra-loi/<str:token>/", views.answer, name="answer"),
    path("don-vi/<code:code>/", views.unit_panel, name="unit_panel"),
    path("<code:code>/", views.survey_detail, name="detail"),
    path("<code:code>/ma-qr/", views.survey_qr, name="qr"),
    path("<code:code>/ket-qua/", views.survey_results, name="results"),
    path("<code:code>/ket-qua.xlsx", views.survey_results_xlsx, name="results_xlsx"),
    path("<code:code>/y-kien/<code:question>/", views.survey_texts, name="texts"),
    path("<code:code>/ma-phieu/", views.survey_codes, name="codes"),
    path("<code:code>/trang-thai/", views.survey_open, name="open"),
]
