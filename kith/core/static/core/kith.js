// Start the NHS.UK frontend components (header menu, error summary focus, skip link).
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";

// The frontend checks for this class, which its template sets with an inline script that our
// Content-Security-Policy forbids; a browser that runs this module supports the frontend.
document.body.classList.add("nhsuk-frontend-supported");
initAll();

// On a phone, fold the search filters away so the results start near the top of the page.
// They stay open without this script, so nothing is ever hidden from a browser that does not run it.
if (window.matchMedia("(max-width: 40em)").matches) {
  for (const details of document.querySelectorAll("details.kith-more-filters")) {
    details.open = false;
  }
}
