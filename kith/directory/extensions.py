"""What capabilities above the directory add to its pages. They register when they start (in `ready()`), so the
directory never imports them: keeping listings right adds its panel to a listing's page, and locality insight
hears of public searches that found nothing."""

from collections.abc import Callable

_service_page: list[Callable] = []  # (user, service) → extra context for the listing's page
_search_misses: list[Callable] = []  # (request, words, category, area) → None


def add_to_service_page(extend: Callable) -> None:
    if extend not in _service_page:
        _service_page.append(extend)


def on_search_miss(hear: Callable) -> None:
    if hear not in _search_misses:
        _search_misses.append(hear)


def service_page_context(user, service) -> dict:
    context = {"can_keep": False}
    for extend in _service_page:
        context.update(extend(user, service))
    return context


def search_missed(request, *, words: str, category: str, area) -> None:
    for hear in _search_misses:
        hear(request, words=words, category=category, area=area)
