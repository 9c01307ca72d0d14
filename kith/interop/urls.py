from django.urls import path

from kith.interop import views

app_name = "interop"
urlpatterns = [
    path("fhir/$process-message", views.process_message, name="process_message"),
    path("fhir/metadata", views.metadata, name="metadata"),
    path("fhir/CodeSystem/<str:name>", views.code_system, name="code_system"),
    path("responses-to-referrers/", views.outbox, name="outbox"),
    path("people/<str:uuid>/prsb.<str:fmt>", views.prsb_person, name="prsb_person"),
    path("social-prescribing-dataset/", views.prsb_period, name="prsb_period"),
    path("responses-to-referrers/<int:message_id>/send-again", views.retry, name="retry"),
]
