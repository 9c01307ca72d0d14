from django.urls import path

from kith.together import views

app_name = "together"
urlpatterns = [
    path("pools/", views.board, name="board"),
    path("pools/<str:ward_code>/<path:category>/open/", views.open_opportunity, name="open"),
    path("groups/<uuid:uuid>/", views.opportunity, name="opportunity"),
    path("groups/<uuid:uuid>/act/", views.act, name="act"),
]
