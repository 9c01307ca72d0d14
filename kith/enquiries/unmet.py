"""Which public searches that found nothing count as demand: people's, once each, not a bot's or a flood.

Unmet searches are evidence of need on the ward profile, so anyone could inflate it by searching in a
loop. A search counts only if it comes from a browser (a user agent that is not an obvious robot), is not
the same words, category and area from the same address already counted today, and is within a modest
number per address per hour. The address is used only for these checks and never stored.
"""

import hashlib
import re

from django.core.cache import cache
from django.utils import timezone
from django_ratelimit.core import get_usage

from kith.core.client import client_ip

ROBOTS = re.compile(
    r"bot|crawl|spider|slurp|scrap|curl|wget|python|httpx|aiohttp|go-http|java/|okhttp|libwww|perl|ruby|"
    r"headless|phantom|preview|monitor|checker|fetch",
    re.IGNORECASE,
)
PER_ADDRESS = "10/h"
DAY_SECONDS = 24 * 3600


def is_robot(user_agent: str) -> bool:
    return not user_agent.strip() or bool(ROBOTS.search(user_agent))


def counts_as_demand(request, *, words: str, category: str, area_code: str) -> bool:
    if is_robot(request.META.get("HTTP_USER_AGENT", "")):
        return False
    address = client_ip(request)
    same = f"{address}|{' '.join(words.lower().split())}|{category}|{area_code}|{timezone.localdate()}"
    if not cache.add("unmet:" + hashlib.sha256(same.encode()).hexdigest(), 1, DAY_SECONDS):
        return False  # the same search from the same place today: counted once
    usage = get_usage(request, group="unmet-search", key=lambda group, r: address, rate=PER_ADDRESS, increment=True)
    return usage is None or not usage["should_limit"]
