from django.urls import path

from kith.geo import views

app_name = "geo"
urlpatterns = [path("areas/", views.areas, name="areas")]
