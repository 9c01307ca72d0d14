from django.urls import path

from kith.interop import views

app_name = "interop"
urlpatterns = [
    path("fhir/$process-message", views.process_message, name="process_message"),
    path("fhir/metadata", views.metadata, name="metadata"),
]
