// The report's "Print" button: shown only when scripts run (otherwise the page says Ctrl+P).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
