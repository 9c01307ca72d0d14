from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kith.accounts import services
from kith.accounts.models import Role, StaffProfile, Team
from kith.accounts.roles import role_of


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["wards"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "team", "profession", "organisation"]
    list_filter = ["role", "team"]
    search_fields = ["user__username"]
    raw_id_fields = ["user", "organisation"]
    filter_horizontal = ["neighbourhoods"]
    list_select_related = ["user", "team", "organisation"]


# Second factors are not edited as rows: the admin would show recovery codes and let anyone with the
# permission add an authenticator to another's account. A lost phone is handled by the action below.
for _device in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device):
        admin.site.unregister(_device)

User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class KithUserAdmin(UserAdmin):
    actions = ["reset_two_factor"]

    @admin.action(description="Reset two-factor sign-in (they set up a new app at their next sign-in)")
    def reset_two_factor(self, request, queryset):
        if role_of(request.user) != Role.ADMINISTRATOR:
            self.message_user(request, "Only an administrator may reset someone's second factor.", messages.ERROR)
            return
        for user in queryset:
            services.reset_two_factor(request, user=user)
        self.message_user(request, f"Reset for {queryset.count()} account(s); each holder was emailed.")
