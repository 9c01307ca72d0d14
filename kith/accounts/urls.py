from django.urls import path

from kith.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-in/two-factor/", views.two_factor, name="two_factor"),
    path("sign-in/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("sign-out/", views.sign_out, name="logout"),
]
