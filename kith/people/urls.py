from django.urls import path

from kith.people import views

app_name = "people"
urlpatterns = [
    path("workspace/", views.home, name="home"),
    path("people/", views.caseload, name="caseload"),
    path("people/new/", views.person_new, name="new"),
    path("people/closed/", views.closed_records, name="closed"),
    path("talk-to-a-link-worker/", views.self_referral, name="self_referral"),
    path("referral-queue/", views.referral_queue, name="referral_queue"),
    path("referral-queue/<str:uuid>/", views.queued_referral, name="queued_referral"),
    path("people/erasure-requests/", views.erasure_requests, name="erasure_requests"),
    path("people/<str:uuid>/", views.person_detail, name="person"),
    path("people/<str:uuid>/edit/", views.person_edit, name="edit"),
    path("people/<str:uuid>/close/", views.person_close, name="close"),
    path("people/<str:uuid>/reopen/", views.person_reopen, name="reopen"),
    path("people/<str:uuid>/wants/", views.want_add, name="want_add"),
    path("people/<str:uuid>/wants/<id:want_id>/", views.want_status, name="want_status"),
    path("people/<str:uuid>/barriers/", views.barriers_set, name="barriers"),
    path("people/<str:uuid>/strengths/", views.strength_add, name="strength_add"),
    path("people/<str:uuid>/wellbeing/<str:instrument>/", views.wellbeing_new, name="wellbeing"),
    path("people/<str:uuid>/consents/", views.consent_add, name="consent_add"),
    path("people/<str:uuid>/consents/<id:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("people/<str:uuid>/notes/", views.note_add, name="note_add"),
    path("people/<str:uuid>/notes/<id:note_id>/", views.note_edit, name="note_edit"),
    path("people/<str:uuid>/export/", views.export_page, name="export"),
    path("people/<str:uuid>/erase/", views.erase, name="erase"),
    path("people/<str:uuid>/erase/request/", views.erasure_request, name="erasure_request"),
    path("people/<str:uuid>/audit/", views.audit_trail, name="audit"),
]
