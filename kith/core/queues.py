"""Work waiting for staff. Each capability registers its queues when it starts (lower apps never import the
higher ones that own the work); the staff home shows each queue its reader works, with a count."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Queue:
    title: str
    description: str
    url_name: str
    roles: frozenset  # the roles that work it; None is a directory editor (staff without a role)
    count: Callable  # user → how many wait: a count, no one's details
    order: int = 50


_queues: dict[str, Queue] = {}


def register(queue: Queue) -> None:
    _queues[queue.url_name] = queue


def waiting_for(user, role) -> list[tuple[Queue, int, str]]:
    """(queue, how many wait, its address) for each queue this role works, in a stable order."""
    mine = sorted((q for q in _queues.values() if role in q.roles), key=lambda q: (q.order, q.title))
    return [(q, q.count(user), reverse(q.url_name)) for q in mine]
