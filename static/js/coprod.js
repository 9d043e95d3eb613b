// Progressive enhancement only: every page works without this file.
// When a form comes back with errors, move focus to the summary so that
// screen-reader users hear what went wrong before anything else.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});

// Report pages: a button that opens the browser's print dialog (print or save as PDF).
// It is hidden until this script runs, so nobody meets a button that does nothing.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print-offer]").forEach(function (offer) {
    offer.hidden = false;
  });
});
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
