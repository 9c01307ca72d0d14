from django.contrib import admin, messages

from kith.interop.models import ConnectedSystem, ReceivedMessage, ReferringOrganisation, SentMessage
from kith.interop.services import issue_key


class ReferringOrganisationInline(admin.TabularInline):
    model = ReferringOrganisation
    extra = 1


@admin.register(ConnectedSystem)
class ConnectedSystemAdmin(admin.ModelAdmin):
    list_display = ["name", "ods_code", "key_prefix", "response_endpoint", "created_at", "revoked_at"]
    inlines = [ReferringOrganisationInline]
    readonly_fields = ["key_prefix", "created_at"]
    actions = ["issue_new_key"]

    @admin.action(description="Issue a new key (the old one stops working)")
    def issue_new_key(self, request, queryset):
        for system in queryset:
            key = issue_key(system, user=request.user)
            # Shown once: only its hash is kept. Give it to the system's operator by a safe route.
            self.message_user(request, f"Key for {system.name}, shown only now: {key}", messages.WARNING)


@admin.register(ReceivedMessage)
class ReceivedMessageAdmin(admin.ModelAdmin):
    list_display = ["message_id", "system", "reason", "outcome", "received_at"]
    list_filter = ["outcome", "system"]
    readonly_fields = [f.name for f in ReceivedMessage._meta.fields]


@admin.register(SentMessage)
class SentMessageAdmin(admin.ModelAdmin):
    list_display = ["message_id", "system", "kind", "created_at", "sent_at", "gave_up_at", "attempts"]
    list_filter = ["kind", "system"]
    readonly_fields = [f.name for f in SentMessage._meta.fields]
