from django.urls import path

from kith.whatson import views

app_name = "whatson"
urlpatterns = [
    path("", views.whats_on, name="week"),
    path("newsletter/", views.newsletter, name="newsletter"),
    path("digest/", views.subscribe, name="subscribe"),
    path("digest/confirm/<str:token>/", views.confirm, name="confirm"),
    path("digest/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
