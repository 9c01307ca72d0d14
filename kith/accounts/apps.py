from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kith.accounts"
    label = "accounts"
    verbose_name = "Staff, roles and teams"

    def ready(self):
        from kith.accounts.roles import role_of
        from kith.core import audit

        audit.use_role_reader(role_of)
