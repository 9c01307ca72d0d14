"""Demo connections: synthetic people linked to the listings suggestions find for them."""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from kith.matching.models import Connection, ConnectionStatus
from kith.matching.suggest import suggest
from kith.people.models import Person


def build_demo_connections(*, seed: int) -> int:
    """Give demo people connections to listings that suit them, at every stage of the pipeline."""
    rng = random.Random(seed + 1)
    Connection.objects.filter(person__is_demo=True).delete()
    worker = get_user_model().objects.get(username="demo-linkworker")
    now = timezone.now()
    stages = [
        ConnectionStatus.SUGGESTED,
        ConnectionStatus.CONTACTED,
        ConnectionStatus.TRIED,
        ConnectionStatus.ATTENDING,
        ConnectionStatus.ATTENDING,
        ConnectionStatus.STOPPED,
    ]
    connections = []
    for person in Person.objects.filter(is_demo=True).order_by("id"):
        for suggestion in suggest(person, limit=rng.randint(0, 3), now=now):
            status = rng.choice(stages)
            changed = now - dt.timedelta(days=rng.randint(1, 120))
            connections.append(
                Connection(
                    person=person,
                    service=suggestion.service,
                    status=status,
                    created_by=worker,
                    status_changed_at=changed,
                    follow_up_on=(changed + dt.timedelta(days=21)).date(),
                    reason="Too far in the winter" if status == ConnectionStatus.STOPPED else "",
                    persons_words="Lovely people, I go every week" if status == ConnectionStatus.ATTENDING else "",
                )
            )
    Connection.objects.bulk_create(connections)
    return len(connections)
