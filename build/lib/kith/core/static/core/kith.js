// Start the NHS.UK frontend components (header menu, error summary focus, skip link).
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";

// The frontend checks for this class, which its template sets with an inline script that our
// Content-Security-Policy forbids; a browser that runs this module supports the frontend.
document.body.classList.add("nhsuk-frontend-supported");
initAll();
