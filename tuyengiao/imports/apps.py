from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "tuyengiao.imports"
    label = "imports"
    verbose_name = "Nhập dữ liệu"
