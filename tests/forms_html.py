"""Read the forms on a page as a browser would submit them, for tests that post a page back unchanged."""

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get").lower(), "fields": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "image", "file"):
                return
            self._form["fields"].append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select = {"name": a.get("name"), "chosen": None, "first": None}
        elif tag == "option" and self._select is not None:
            self._option = a.get("value")
            if self._select["first"] is None:
                self._select["first"] = self._option
            if "selected" in a:
                self._select["chosen"] = self._option
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"] if self._select["chosen"] is not None else self._select["first"]
            if self._select["name"] and chosen is not None:
                self._form["fields"].append((self._select["name"], chosen))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea[1]
            # HTML drops one newline straight after <textarea>; browsers send line ends as CRLF.
            text = text[1:] if text.startswith("\n") else text
            self._form["fields"].append((self._textarea[0], text.replace("\r\n", "\n").replace("\n", "\r\n")))
            self._textarea = None


def forms_on(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def as_post(fields: list[tuple[str, str]]) -> dict:
    """Fields as the Django test client posts them: repeated names become lists."""
    data: dict = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return {k: v if len(v) > 1 else v[0] for k, v in data.items()}
