from django.urls import path

from kith.insights import views

app_name = "insights"
urlpatterns = [
    path("insight/", views.atlas, name="atlas"),
    path("insight/map.geojson", views.atlas_geojson, name="atlas_geojson"),
    path("insight/layers.geojson", views.layers_geojson, name="layers_geojson"),
    path("insight/wards/<str:code>/", views.ward_profile, name="ward"),
    path("insight/measures/", views.measures_page, name="measures"),
    path("insight/funding/<str:code>/<path:category>/", views.funding_case, name="funding_case"),
    path("open-data/gaps.<str:extension>", views.open_data, name="open_data"),
]
