from django.urls import path

from kith.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-in/two-factor/", views.two_factor, name="two_factor"),
    path("sign-in/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("sign-out/", views.sign_out, name="logout"),
    path("security/", views.security, name="security"),
    path("security/confirm/", views.confirm, name="confirm"),
    path("security/password/", views.change_password, name="change_password"),
    path("security/authenticator/", views.replace_authenticator, name="replace_authenticator"),
    path("security/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("audit/", views.audit_trail, name="audit"),
]
