// Progressive enhancement only: every page works as plain HTML forms and links. This
// starts the design system's components (header menu, password reveal, error summary
// focus). Loaded as a module from this site, as the Content-Security-Policy requires.
import { initAll } from "/assets/nhsuk-frontend.min.js";

initAll();
