from django.urls import path

from kith.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_page, name="search"),
    path("search/print/", views.search_print, name="search_print"),
    path("services/<uuid:uuid>/", views.service_detail, name="service"),
    path("organisations/<uuid:uuid>/", views.organisation_detail, name="organisation"),
    path("areas/<str:code>/", views.area_page, name="area"),
]
