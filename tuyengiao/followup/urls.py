from django.urls import path

from tuyengiao.lib.codes import register_url_converter

from . import views

register_url_converter()

app_name = "followup"
urlpatterns = [
    path("chuong-trinh/", views.programmes, name="programmes"),
    path("chuong-trinh/them/", views.programme_new, name="programme_new"),
    path("chuong-trinh/<int:pk>/", views.programme_detail, name="programme"),
    path("chuong-trinh/<int:pk>/nhiem-vu-moi/", views.task_new, name="task_new"),
    path("nhiem-vu/", views.tasks, name="tasks"),
    path("nhiem-vu/<code:code>/", views.task_detail, name="task"),
    path("nhiem-vu/<code:code>/sua/", views.task_edit, name="task_edit"),
    path("nhiem-vu/<code:code>/bao-cao/", views.task_report, name="task_report"),
    path("nhiem-vu/<code:code>/minh-chung/<int:pk>/", views.evidence, name="evidence"),
    path("don-vi/<code:code>/", views.unit_panel, name="unit_panel"),
    path("kiem-tra/", views.inspections, name="inspections"),
    path("kiem-tra/them/", views.inspection_new, name="inspection_new"),
    path("kiem-tra/<code:code>/", views.inspection_detail, name="inspection"),
    path("kiem-tra/<code:code>/sua/", views.inspection_edit, name="inspection_edit"),
    path("kiem-tra/<code:code>/to-chuc/", views.inspection_target, name="inspection_target"),
    path(
        "kiem-tra/<code:code>/bo-to-chuc/",
        views.inspection_target_remove,
        name="inspection_target_remove",
    ),
    path(
        "kiem-tra/<code:code>/nhiem-vu-moi/",
        views.inspection_task_new,
        name="inspection_task_new",
    ),
]
