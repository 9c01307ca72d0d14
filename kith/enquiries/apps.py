from django.apps import AppConfig


class EnquiriesConfig(AppConfig):
    name = "kith.enquiries"
    verbose_name = "Locality enquiries"

    def ready(self):
        from kith.core.queues import Queue, register
        from kith.enquiries.access import ANSWERERS, answerable_by
        from kith.enquiries.models import Enquiry

        def waiting(user) -> int:
            return answerable_by(user).filter(status=Enquiry.Status.OPEN).count()

        register(Queue("Enquiries to answer", "Professionals' questions about your neighbourhoods",
                       "enquiries:queue", frozenset(ANSWERERS), waiting, order=60))  # fmt: skip
