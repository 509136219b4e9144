from django.urls import path

from . import views

app_name = "essays"
urlpatterns = [
    path("", views.index, name="index"),
    path("dot/<int:pk>/", views.campaign, name="campaign"),
    path("dot/<int:pk>/thiet-lap/", views.setup, name="setup"),
    path("dot/<int:pk>/viet/", views.write, name="write"),
    path("dot/<int:pk>/luu/", views.save, name="save"),
    path("dot/<int:pk>/tai-len/", views.upload, name="upload"),
    path("dot/<int:pk>/nop/", views.hand_in, name="hand_in"),
    path("dot/<int:pk>/cong-bo/", views.release, name="release"),
    path("dot/<int:pk>/nguoi-cham/", views.markers, name="markers"),
    path("dot/<int:pk>/ban-giay/", views.paper, name="paper"),
    path("dot/<int:pk>/trung-lap/", views.similar, name="similar"),
    path("bai/<int:pk>/", views.essay_detail, name="essay"),
    path("bai/<int:pk>/cham/", views.mark, name="mark"),
    path("cap/<int:pk>/", views.pair, name="pair"),
]
