from django.contrib.admin.apps import AdminConfig


class KithAdminConfig(AdminConfig):
    """Django admin, served by Kith's admin site (second factor required)."""

    default_site = "kith.accounts.admin_site.KithAdminSite"
