// "Add an empty row" to a Django formset in the page, so that nothing already typed is lost: copies the
// formset's empty form (a <template>), numbers it and raises TOTAL_FORMS. Without JavaScript the button stays
// hidden and the "Show more empty rows" link reloads the page with more rows, as before.
(function () {
  "use strict";
  function setUp(button) {
    var prefix = button.dataset.formsetAdd;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var rows = document.getElementById(button.dataset.formsetRows);
    var template = document.getElementById(button.dataset.formsetTemplate);
    if (!total || !rows || !template) {
      return;
    }
    button.hidden = false;
    document.querySelectorAll('[data-formset-fallback="' + prefix + '"]').forEach(function (link) {
      link.hidden = true;
    });
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var limit = max ? parseInt(max.value, 10) : NaN;
      if (isNaN(index) || (!isNaN(limit) && index >= limit)) {
        return;
      }
      var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__num__/g, String(index + 1));
      var holder = document.createElement("tbody");
      holder.innerHTML = html.trim();
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(index + 1);
      var first = row.querySelector("select, input");
      if (first) {
        first.focus();
      }
      if (!isNaN(limit) && index + 1 >= limit) {
        button.hidden = true;
      }
    });
  }
  function start() {
    document.querySelectorAll("[data-formset-add]").forEach(setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
