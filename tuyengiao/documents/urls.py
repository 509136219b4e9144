from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("dang-ky/", views.document_create, name="create"),
    path("doc-so-hieu/", views.parse_symbol_view, name="parse"),
    path("doc-tep/", views.prefill, name="prefill"),
    path("chon/", views.document_picker, name="picker"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/sua/", views.document_edit, name="edit"),
    path("<int:pk>/tep/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<int:pk>/tham-chieu/<int:ref_id>/", views.resolve_ref, name="resolve"),
    path("<int:pk>/lien-ket/", views.link_add, name="link"),
]
