"""Walk each persona's journeys through a running `make demo` in Chromium, a screenshot per step.

    make walkthrough            # with `make demo` running in another terminal (PORT as for the demo)

Writes docs/walkthrough/*.png and prints each step; docs/walkthrough.md shows them in order. A step
that fails stops the walk with the page it was on saved, so a break is seen, not skipped.
"""

import argparse
import base64
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import django

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kith.config.settings")


def email_to(address: str, timeout: float = 20.0) -> str:
    """The latest email to `address` in var/mail, waiting for the job worker to send it."""
    deadline = time.monotonic() + timeout
    while True:
        folder = REPO / "var" / "mail"
        mail = sorted(folder.iterdir(), key=lambda f: f.stat().st_mtime) if folder.exists() else []
        found = [f.read_text() for f in mail if f"To: {address}" in f.read_text()]
        if found:
            return found[-1]
        if time.monotonic() > deadline:
            raise SystemExit(f"No email to {address} arrived: is the demo's job worker running (`kith jobs`)?")
        time.sleep(0.2)


def authenticators() -> dict:
    """Each demo account's authenticator, read from the demo's own database before the browser starts."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    devices = TOTPDevice.objects.filter(confirmed=True, user__username__startswith="demo-").select_related("user")
    return {d.user.username: (TOTP(d.bin_key, d.step, d.t0, d.digits, d.drift), d.digits) for d in devices}


class Walk:
    def __init__(self, browser, url: str, out: Path, codes: dict):
        self.browser, self.url, self.out, self.codes = browser, url.rstrip("/"), out, codes
        self.steps: list[tuple[str, str, str]] = []  # (persona, caption, file)
        self.page = None
        self.persona = ""
        self.sign_ins: dict[str, str] = {}  # persona → username
        self.used_steps: dict[str, int] = {}  # username → the authenticator time step its last code was from

    def as_(self, persona: str, username: str | None = None, *, width: int = 1100):
        if self.page is not None:
            self.page.context.close()
        context = self.browser.new_context(locale="en-GB", viewport={"width": width, "height": 760})
        self.page = context.new_page()
        self.persona = persona
        if username:
            self.sign_ins[persona] = username
            self.go("/accounts/sign-in/")
            self.page.get_by_label("Username").fill(username)
            self.page.get_by_label("Password").fill(f"kith-{username}-2026")
            self.page.get_by_role("button", name="Continue").click()
            self.shot("Sign in: after the password, the code from the authenticator app")
            totp, digits = self.codes[username]
            while totp.t() <= self.used_steps.get(username, -1):  # a code is good once: wait for the next one
                time.sleep(1)
            self.used_steps[username] = totp.t()
            self.page.get_by_label("Code").fill(f"{totp.token():0{digits}d}")
            self.page.get_by_role("button", name="Sign in").click()
        return self.page

    def go(self, path: str):
        self.page.goto(self.url + path)

    def shot(self, caption: str, *, full: bool = False):
        self.page.wait_for_load_state("load")
        n = len(self.steps) + 1
        slug = re.sub(r"[^a-z0-9]+", "-", f"{self.persona} {caption}".lower()).strip("-")[:60]
        name = f"{n:02d}-{slug}.png"
        self.page.screenshot(path=self.out / name, full_page=full)
        self.steps.append((self.persona, caption, name))
        print(f"{n:2d}. {self.persona}: {caption}")


def public(walk: Walk):
    page = walk.as_("A member of the public")
    walk.go("/")
    walk.shot("The home page: search, what's on, and 'Talk to a link worker'")
    page.get_by_label(re.compile("What are you looking for", re.I)).fill("walking group")
    page.get_by_label("Near").fill("M9 4DH")
    page.get_by_role("button", name=re.compile("^Search")).click()
    walk.shot("Results near M9 4DH, each with how far, when and what it costs")
    page.get_by_label("Step-free access").check()
    page.get_by_role("button", name=re.compile("^(Search|Apply|Update)")).first.click()
    walk.shot("Step-free only: how many were left out for lack of information, and the offer to show them")
    page.get_by_role("link", name=re.compile("access not known", re.I)).first.click()
    walk.shot("With listings whose access is not known, marked so")
    page.get_by_role("link", name=re.compile("Print", re.I)).first.click()
    walk.shot("The printable list: every contact detail the listing pages show", full=True)
    page.go_back()
    page.locator("main h2 a, main h3 a").first.click()
    walk.shot("A listing: times, cost, place on a map, how to get in touch, when it was checked")
    walk.go("/search/?q=waking+group&near=M9+4DH")
    walk.shot("A misspelling read as what was meant, with the words as typed a click away")
    walk.go("/search/?q=somewhere+for+a+cuppa+and+a+chat&near=M11+3FF&radius=3")
    walk.shot("Everyday words: coffee mornings for a cuppa and a chat, each saying why it was found")
    walk.go("/search/?q=painting+class&near=M20+2RN&radius=3")
    page.locator("#why-nothing").scroll_into_view_if_needed()
    walk.shot("Nothing matched: why, and other searches that find something, with counts")
    page.get_by_role("link", name=re.compile("Anything for “Arts and creativity”")).click()
    walk.shot("One of those searches: its own results")
    walk.go("/search/?q=library&near=BL1+1RU")
    walk.shot("A Bolton postcode works like any in Greater Manchester")
    walk.go("/search/?q=library&near=SK13+8AF")
    walk.shot("A postcode just outside: where Kith's area begins, and the nearest borough")
    walk.go("/whats-on/?area=E05011366")
    walk.shot("What's on in Harpurhey this week: sessions, not opening hours", full=True)
    walk.go("/")
    page.get_by_role("link", name="Talk to a link worker").first.click()
    walk.shot("Talk to a link worker: a short form in their own words")
    page.get_by_label("Your first name").fill("Winifred")
    page.get_by_label("Phone number (optional)").fill("0161 496 0999")
    page.get_by_label("Your postcode").fill("M9 4DH")
    page.get_by_label("What would you like help with?").fill("I would like to sing with other people again.")
    page.get_by_role("button", name="Ask a link worker to get in touch").click()
    walk.shot("Forgot to agree: the error is beside the box and nothing typed is lost")
    page.get_by_label("I agree that a link worker may contact me about this").check()
    page.get_by_role("button", name="Ask a link worker to get in touch").click()
    walk.shot("Acknowledged: who will get in touch, and by when")
    walk.go("/search/?q=tuesday+stroll&near=M9+4DH")
    page.get_by_role("link", name="Tuesday Stroll").first.click()
    page.get_by_role("link", name="Suggest a change or report a closure").click()
    page.get_by_label("Something has changed").check()
    page.get_by_label("Tell us more").fill("The stroll is on Wednesdays now, same time.")
    walk.shot("Telling the directory a listing has changed")
    page.get_by_role("button", name="Send the suggestion").click()
    walk.shot("Thanked, and told what happens next")


def gp(walk: Walk):
    page = walk.as_("A GP", "demo-gp")
    walk.shot("The GP's start page")
    walk.go("/referrals/")
    walk.shot("Refer someone to the link workers")
    page.get_by_label("Given name").fill("Percy")
    page.get_by_label("Family name").fill("Walkthrough")
    page.get_by_label("Date of birth").fill("1/2/1948")
    page.get_by_label("Postcode").fill("M9 4DH")
    page.get_by_label("What you are asking for").fill("Lonely since his wife died; used to love walking.")
    page.get_by_label("The person agreed to this referral").check()
    page.get_by_role("button", name="Send referral").click()
    walk.shot("Sent: the referral waits in the team's queue, and its status shows here")
    walk.go("/enquiries/")
    walk.shot("Questions to the link workers, and their answers")
    page.locator("main table").last.locator("a").first.click()
    walk.shot("An answer: who answered, and each suggestion's day, cost, place and distance", full=True)


def send_referral(*args: str) -> str:
    """`kith send-referral` as the demo's GP system (its key is in var/demo-system-key); what it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "kith.cli", "send-referral", *args], capture_output=True, text=True, cwd=REPO
    )
    print("   ", done.stdout.strip().splitlines()[0] if done.stdout else done.stderr.strip()[-300:])
    return done.stdout


def gp_system(walk: Walk):
    """A GP system refers in BaRS; a link worker accepts and closes; the GP system gets the responses."""
    sent = send_referral("--given", "Gwen", "--family", "Fromthegp", "--nhs-number", "9434765870")
    cancelled = send_referral("--given", "Cyril", "--family", "Cancelled", "--nhs-number", "9434765889")
    request_id = re.search(r"ServiceRequest (\S+)", cancelled).group(1)
    page = walk.as_("A link worker, with a GP system's referral", "demo-linkworker")
    walk.go("/referral-queue/")
    walk.shot("Two referrals from the GP system in the queue, each 'through' it", full=True)
    send_referral("--cancel", request_id)
    walk.go("/referral-queue/")
    walk.shot("The GP cancelled one: it has left the queue (its history is kept)", full=True)
    assert "Cyril Cancelled" not in page.content() and "Gwen Fromthegp" in page.content(), sent
    page.get_by_role("link", name="Gwen Fromthegp").click()
    walk.shot("The referral: the GP's words, its NHS number and SNOMED code, and anyone the team already knows")
    page.get_by_role("button", name=re.compile("^Accept")).first.click()
    walk.shot("Accepted: on the caseload; the GP record is told")
    page.get_by_text("Record consent or an objection").click()
    page.get_by_label("For", exact=True).select_option(label="Share outcome details with the referrer")
    page.get_by_label("Their decision").select_option(label="Agreed")
    page.get_by_label("How it was recorded").select_option(label="In person")
    page.get_by_label("The words shown or read to them").fill("May we tell your GP how it went, in your words?")
    page.get_by_role("button", name="Record", exact=True).click()
    page.get_by_role("link", name="Close the record").click()
    page.get_by_label("What mattered to them is in place").check()
    page.get_by_role("button", name="Close the record").click()
    walk.shot("Closed: a summary goes to the GP, as far as Gwen agreed")
    time.sleep(3)  # the worker sends at once; give it a moment
    walk.go("/responses-to-referrers/")
    walk.shot("Responses to referrers: accepted and the closing summary, sent", full=True)
    stand_in = walk.page.context.new_page()
    stand_in.goto(walk.url.rsplit(":", 1)[0] + ":8001/")
    walk.page = stand_in
    walk.shot("The GP system stand-in's list: what arrived, with its codes")


def link_worker(walk: Walk):
    page = walk.as_("A link worker", "demo-linkworker")
    walk.shot("The caseload, with referrals waiting")
    page.get_by_role("link", name=re.compile(r"referrals? waiting")).first.click()
    walk.shot("The team's referral queue")
    page.get_by_role("link", name="Percy Walkthrough").click()
    walk.shot("A referral: the referrer's words, and accept or decline")
    page.get_by_role("button", name="Accept").click()
    walk.shot("Accepted: the person's record, what matters in the referrer's words")
    page.get_by_text("Add a want").click()
    page.get_by_role("button", name="Add want").click()
    walk.shot("A want added without choosing it: the error names the field, beside it")
    page.get_by_label("What they want").select_option(label="Being active and walking: Walking groups")
    page.get_by_role("button", name="Add want").click()
    page.get_by_label("Mobility").check()
    page.get_by_role("button", name="Save barriers").click()
    page.get_by_role("link", name="Find suggestions").first.click()
    walk.shot("No step-free walking group within 800 m: the page says why, and how many would fit otherwise")
    page.get_by_role("link", name="Percy Walkthrough").first.click()
    page.get_by_label("Mobility").uncheck()
    page.get_by_label("Cost").check()
    page.get_by_role("button", name="Save barriers").click()
    page.get_by_role("link", name="Find suggestions").first.click()
    walk.shot("Free walking groups (not all exercise), one per activity with its other places, order stated")
    page.locator("input[name=service]").first.check()
    page.get_by_role("button", name=re.compile("Connect", re.I)).first.click()
    walk.shot("Connected: the connection on the record, with a follow-up date")
    walk.go("/pools/")
    walk.shot("Interest pools: people who want the same thing and have nothing suitable in reach")
    page.get_by_role("link", name=re.compile("^Open a group opportunity")).first.click()
    walk.shot("Opening a group for a want as people named it; any group already started for it is shown first")
    walk.go("/people/")
    page.locator("main table a").first.click()
    page.get_by_role("link", name=re.compile("asked to be forgotten")).click()
    walk.shot("Someone asks to be forgotten: the link worker passes it on")
    page.get_by_label("What they asked for, and when").fill("Asked on the phone today to have everything deleted.")
    page.get_by_role("button", name="Ask an administrator").click()
    walk.shot("Passed on: an administrator is told")


def lead(walk: Walk):
    page = walk.as_("A neighbourhood lead", "demo-lead")
    walk.shot("The lead's start page")
    walk.go("/listings/review/")
    walk.shot("Listings due a check, oldest first")
    page.locator(".nhsuk-card").first.scroll_into_view_if_needed()
    walk.shot("Recording a check: a private note for staff, and a public note only if chosen")
    walk.go("/insight/measures/")
    walk.shot("Measures: one meaning for '*', and each measure defined with its denominator", full=True)
    walk.go("/social-prescribing-dataset/")
    walk.shot("The team's social prescribing dataset in PRSB's four groups, counts controlled", full=True)


def planner(walk: Walk):
    walk.as_("A planner", "demo-planner")
    walk.go("/insight/")
    walk.shot("The gap atlas")
    walk.go("/insight/?category=nature&la=E08000003&measure=label")
    walk.shot(
        "The atlas for Manchester: each ward labelled gap, likely gap or may be missing data, with the green spaces"
    )
    walk.go("/insight/wards/E05011366/")
    walk.shot("A ward profile: what exists, what people want, and interest pools as rounded counts", full=True)
    walk.go("/insight/funding/E08000003/nature/gardening/")
    walk.shot("A funding case whose headline equals its table, with suggested sites named by place")
    walk.go("/people/")
    walk.shot("A page for the care team: which roles may use it, and the way back to what a planner can do")


def administrator(walk: Walk):
    walk.as_("An administrator", "demo-admin")
    walk.shot("The administrator's workspace: every queue, each with how many wait", full=True)
    walk.go("/people/erasure-requests/")
    walk.shot("Erasure requests passed on by link workers")
    walk.go("/accounts/audit/")
    walk.shot("The audit trail: refused reads, sign-ins and downloads flagged")
    walk.go("/people/erasure-requests/")
    walk.page.get_by_role("link", name=re.compile("^Erase")).first.click()
    walk.shot("Carrying out an erasure: type the family name to confirm")


def directory_editor(walk: Walk):
    page = walk.as_("A directory editor", "demo-editor")
    walk.shot("The directory editor's workspace: the directory's queues, not the raw admin")
    page.get_by_role("link", name="Suggestions from the public").click()
    walk.shot("Suggestions from the public, to accept or reject")
    page.get_by_role("link", name=re.compile("Tuesday Stroll")).first.click()
    walk.shot("A suggestion: what the public said, and the listing as it will be")
    page.get_by_label("Wednesday").check()
    page.get_by_label("Tuesday").uncheck()
    page.get_by_label(re.compile("How did you check", re.I)).select_option(index=1)
    page.get_by_role("button", name="Accept").click()
    walk.shot("Accepted: the suggestion leaves the queue")
    walk.go("/search/?q=tuesday+stroll&near=M9+4DH")
    page.get_by_role("link", name="Tuesday Stroll").first.click()
    walk.shot("The public listing now says Wednesdays")
    walk.go("/imports/problems/")
    walk.shot("Import problems: the row the sheet could not give, and why")
    # The group fills in the missing name in its spreadsheet (the demo's copy is in the import folder).
    sheet = REPO / "var" / "imports" / "volunteers.csv"
    fixed = sheet.read_text(encoding="utf-8").replace("Fairway Growers,,", "Fairway Growers,Seed Swap,")
    sheet.write_text(fixed, encoding="utf-8")
    walk.go("/imports/")
    row = page.locator("tr", has_text="Moston volunteers sheet")
    row.get_by_role("button", name=re.compile("Read again now")).click()
    walk.shot("Read again once the sheet is fixed: one new listing, no problem left", full=True)
    walk.go("/search/?q=seed+swap&near=M40+9NQ")
    walk.shot("The public finds the listing the sheet gave once fixed")
    walk.go("/imports/duplicates/")
    walk.shot("Possible duplicates: one organisation from two sources, to fold or keep apart")
    card = page.locator(".nhsuk-card", has_text="Moston volunteers sheet")
    folded = card.get_by_role("link", name="Manchester Libraries").last.get_attribute("href")
    card.get_by_role("link", name=re.compile("The same: fold into one")).click()
    walk.shot("Before folding: what will move, and that it can be undone for 30 days")
    page.get_by_role("button", name="Fold into one").click()
    walk.shot("Folded, with the decision listed and an undo for 30 days", full=True)
    walk.go(folded)
    page.get_by_role("link", name="Reading Friends").scroll_into_view_if_needed()
    walk.shot("The folded organisation's old address opens the kept one, which lists the sheet's listing")


def organisation(walk: Walk):
    """Claims with an address the listing does not show, so an administrator decides; then edits its listing."""
    page = walk.as_("A community organisation")
    walk.go("/search/?q=knit+and+natter&near=M9+4DH")
    page.get_by_role("link", name="Knit and Natter").first.click()
    walk.shot("Their listing, with 'Look after its listings yourself'")
    page.get_by_role("link", name="Look after its listings yourself").click()
    page.get_by_label("Your name").fill("Pat Organiser")
    page.get_by_label("Your email address").fill("pat@strollers.example")
    walk.shot("Asking to look after the organisation's listings")
    page.get_by_role("button", name="Send").click()
    walk.shot("Not an address the listing shows: an administrator will check")
    admin = walk.as_("An administrator deciding the claim", "demo-admin")
    walk.shot("The workspace counts the claim that waits", full=True)
    admin.get_by_role("link", name="Claims to decide").click()
    walk.shot("Claims to decide: who asked, for which organisation, with which address")
    card = admin.locator(".nhsuk-card", has_text="Pat Organiser")
    card.get_by_role("button", name="Approve").click()
    walk.shot("Approved: the claimant is emailed a link to finish")
    email = email_to("pat@strollers.example")
    link = re.search(r"http://\S+/claims/\S+/", email.replace("=\n", "")).group(0)
    page = walk.as_("A community organisation")
    page.goto(link)
    walk.shot("From the email: choose a password")
    page.get_by_label("Choose a password").fill("a-long-organiser-password-2026")
    page.get_by_role("button", name="Confirm").click()
    page.get_by_label("Username").fill("pat@strollers.example")
    page.get_by_label("Password").fill("a-long-organiser-password-2026")
    page.get_by_role("button", name="Continue").click()
    walk.shot("First sign-in: set up an authenticator app")
    from django_otp.oath import totp

    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code").fill(f"{totp(base64.b32decode(secret + '=' * (-len(secret) % 8))):06d}")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    walk.go("/organisation/listings/")
    walk.shot("Their listings, with when each was last checked")
    page.get_by_role("link", name="Edit Knit and Natter").click()
    page.get_by_label("Cost").fill("Free; donations welcome")
    page.get_by_role("button", name="Save").click()
    walk.shot("Saved: the change is in the listing's history")
    page = walk.as_("A member of the public")
    walk.go("/search/?q=knit+and+natter&near=M9+4DH&free=1")
    page.get_by_role("link", name="Knit and Natter").first.click()
    walk.shot("The public listing says the new cost, and the free filter finds it")


def on_a_phone(walk: Walk):
    walk.as_("On a phone", width=375)
    walk.go("/search/?q=walking&near=M9+4DH")
    walk.shot("At 375 px: filters folded away, the first result near the top")


def write_markdown(walk: Walk, url: str) -> str:
    lines = [
        "# Walkthrough",
        "",
        "Each persona's journeys on a fresh `make demo`, one screenshot per step, made by",
        f"`make walkthrough` against {url} (`scripts/walkthrough.py`; it stops, with a screenshot, at the",
        "first step that breaks). The people are synthetic. Staff sign in at `/accounts/sign-in/` with the",
        "username and password below, then a code from an authenticator app set up with the key `make demo`",
        "prints (or one of the recovery codes it prints, each good once).",
        "",
    ]
    persona = None
    for who, caption, name in walk.steps:
        if who != persona:
            lines += [f"## {who}", ""]
            if who in walk.sign_ins:
                username = walk.sign_ins[who]
                lines += [f"Signs in as `{username}`, password `kith-{username}-2026`.", ""]
            persona = who
        lines += [f"1. {caption}", "", f"   ![{caption}](walkthrough/{name})", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "walkthrough")
    args = parser.parse_args()
    django.setup()
    codes = authenticators()
    from playwright.sync_api import sync_playwright

    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=["--headless", "--no-sandbox"])
        walk = Walk(browser, args.url, args.out, codes)
        try:
            for journey in (public, gp, link_worker, gp_system, lead, planner, administrator, directory_editor,
                            organisation, on_a_phone):  # fmt: skip
                journey(walk)
        except Exception:
            walk.shot("THE WALK STOPPED HERE")
            raise
        finally:
            (REPO / "docs" / "walkthrough.md").write_text(write_markdown(walk, args.url) + "\n", encoding="utf-8")
            browser.close()
    if shutil.which("pngquant"):  # a third of the size, for the repository; the pictures look the same
        pngs = sorted(str(p) for p in args.out.glob("*.png"))
        subprocess.run(["pngquant", "--force", "--ext", ".png", "--quality", "60-85", *pngs], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
