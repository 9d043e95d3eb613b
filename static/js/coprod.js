// Progressive enhancement only: every page works without this file.
// When a form comes back with errors, move focus to the summary so that
// screen-reader users hear what went wrong before anything else.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
