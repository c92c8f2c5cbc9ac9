// A table that scrolls sideways inside its box (on a phone) gets into the Tab order, so that a keyboard can
// scroll it too (WCAG 2.1.1; axe-core "scrollable-region-focusable"). Runs on every page (base.html).
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll("main table, main .table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.scrollBox = "1";
      } else if (!scrolls && box.dataset.scrollBox) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollBox;
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  window.addEventListener("resize", mark);
})();
