from django.urls import path

from kith.enquiries import views

app_name = "enquiries"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.new, name="new"),
    path("<str:uuid>/", views.detail, name="detail"),
    path("<str:uuid>/answer/", views.answer, name="answer"),
]
