from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tuyengiao.api"
    label = "api"
    verbose_name = "Kết nối hệ thống khác (API)"
