from django.apps import AppConfig


class EnquiriesConfig(AppConfig):
    name = "kith.enquiries"
    verbose_name = "Locality enquiries"

    def ready(self):
        from kith.directory import extensions
        from kith.enquiries.services import log_unmet_search
        from kith.enquiries.unmet import counts_as_demand

        def hear_search_miss(request, *, words, category, area) -> None:
            if counts_as_demand(request, words=words, category=category, area_code=getattr(area, "code", "")):
                log_unmet_search(words=words, category=category, area=area)

        extensions.on_search_miss(hear_search_miss)
        from kith.core.queues import Queue, register
        from kith.enquiries.access import ANSWERERS, answerable_by
        from kith.enquiries.models import Enquiry

        def waiting(user) -> int:
            return answerable_by(user).filter(status=Enquiry.Status.OPEN).count()

        register(Queue("Enquiries to answer", "Professionals' questions about your neighbourhoods",
                       "enquiries:queue", frozenset(ANSWERERS), waiting, order=60))  # fmt: skip
