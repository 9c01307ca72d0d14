"""Every form on every page, sent back with an answer wrong, keeps what was typed and names the field in error."""

import re
from html import unescape

import pytest
from django.db import transaction
from django.test import Client

from tests.forms_html import forms_on
from tests.people.test_authorisation_matrix import RULES, _objects
from tests.personas import build_world, sign_in

pytestmark = pytest.mark.django_db
# Actions whose forms are not data entry: signing out, or a button with nothing typed.
SKIP = ("sign-out", "logout")
GENERIC = ("This field is required.", "Select a valid choice", "Enter a valid")


class _Inputs:
    """The text a person would type into a form: text boxes and text areas, by name."""

    TYPED = re.compile(
        r'<(?:input(?![^>]*type="(?:hidden|submit|button|checkbox|radio|password|file|search)")[^>]*name="([^"]+)"'
        r'|textarea[^>]*name="([^"]+)")'
    )

    @classmethod
    def names(cls, form_html: str) -> list[str]:
        return [a or b for a, b in cls.TYPED.findall(form_html)]


def _post_forms(html: str) -> list[tuple[str, str]]:
    """(action, the form's markup) of every POST form on the page."""
    found = []
    for attributes, markup in re.findall(r"<form([^>]*)>(.*?)</form>", html, re.S):
        if 'method="post"' in attributes:
            action = re.search(r'action="([^"]*)"', attributes)
            found.append((action.group(1) if action else "", markup))
    return found


@pytest.mark.parametrize("persona", ["anonymous", "link_worker", "administrator", "professional", "lead"])
def test_every_form_keeps_what_was_typed_and_names_the_field(persona):
    world = build_world()
    objects = _objects(world)
    client = Client(raise_request_exception=False)
    if persona != "anonymous":
        sign_in(client, getattr(world, persona))
    checked, failures = set(), []
    for method, template, allowed in RULES.values():
        if method != "get":
            continue
        for relation in allowed:
            page = template.format(**objects[relation])
            response = client.get(page)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            parsed = [f for f in forms_on(html) if f["method"] == "post"]
            for (action, markup), form in zip(_post_forms(html), parsed, strict=True):
                action = unescape(action) or page
                names = _Inputs.names(markup)
                key = (re.sub(r"/\d+/", "/n/", action), tuple(names))
                if not names or any(s in action for s in SKIP) or key in checked:
                    continue
                checked.add(key)
                data = {n: v for n, v in form["fields"]}
                data.pop("website", None)  # the spam trap: a person never fills it in
                pressed = re.search(r'<button[^>]*name="([^"]+)"[^>]*value="([^"]*)"', markup)
                if pressed:  # as a browser sends the first button when Enter is pressed
                    data.setdefault(*pressed.groups())
                typed = {n: f"Typed {i} by a person" for i, n in enumerate(names) if n != "website"}
                data.update(typed)
                with transaction.atomic():
                    answer = client.post(action, data)
                    transaction.set_rollback(True)
                if answer.status_code in (301, 302, 303):
                    # Taken as it was, unless the page it leads to carries an error: then what was typed is lost.
                    with transaction.atomic():
                        answer = client.post(action, data, follow=True)
                        transaction.set_rollback(True)
                    if 'visually-hidden">error: ' in answer.content.decode():
                        failures.append(f"{page} → {action}: refused by redirecting, losing what was typed")
                    continue
                body = unescape(answer.content.decode())
                lost = [n for n, value in typed.items() if value not in body]
                if answer.status_code >= 500 or lost:
                    failures.append(f"{page} → {action}: {answer.status_code}, lost {lost}")
                for generic in GENERIC:
                    if generic in body:
                        failures.append(f"{page} → {action}: says {generic!r} without naming the field")
                for target in re.findall(r"nhsuk-error-summary__list.*?</ul>", body, re.S):
                    for anchor in re.findall(r'href="#([^"]+)"', target):
                        if f'id="{anchor}"' not in body:
                            failures.append(
                                f"{page} → {action}: the summary links to #{anchor}, which is not on the page"
                            )
    assert len(checked) >= (2 if persona == "anonymous" else 5)
    assert not failures, "\n".join(failures)
