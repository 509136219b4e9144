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
    path("don-vi/<code:code>/ngon-ngu/", views.unit_languages, name="unit_languages"),
    path("tuyen-truyen/", views.event_list, name="events"),
    path("tuyen-truyen/them/", views.event_new, name="event_new"),
    path("tuyen-truyen/<code:code>/sua/", views.event_edit, name="event_edit"),
    path("tap-huan/", views.course_list, name="courses"),
    path("tap-huan/them/", views.course_new, name="course_new"),
    path("tap-huan/<code:code>/", views.course_detail, name="course"),
    path("tap-huan/<code:code>/sua/", views.course_edit, name="course_edit"),
    path("tap-huan/<code:code>/hoc-vien/", views.learner_add, name="learner_add"),
    path("tap-huan/<code:code>/hoc-vien/bo/", views.learner_remove, name="learner_remove"),
    path("tai-lieu/", views.material_list, name="materials"),
    path("tai-lieu/them/", views.material_new, name="material_new"),
    path("tai-lieu/<code:code>/", views.material_detail, name="material"),
    path("tai-lieu/<code:code>/mo/", views.material_open, name="material_open"),
    path("tai-lieu/<code:code>/sua/", views.material_edit, name="material_edit"),
    path("tai-lieu/dot/<int:pk>/", views.campaign_materials, name="campaign_materials"),
]
