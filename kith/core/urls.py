from django.urls import path

from kith.core import observability, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", observability.metrics, name="metrics"),
    path("favicon.ico", views.favicon, name="favicon"),
]
