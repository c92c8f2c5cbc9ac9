// Draws the statistics charts from the rounded data in #stats-data (a non-number, from an older report, is null).
(function () {
  "use strict";
  var source = document.getElementById("stats-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var byKey = {};
  data.charts.forEach(function (chart) {
    byKey[chart.key] = chart;
  });
  document.querySelectorAll("canvas.stats-chart").forEach(function (canvas) {
    var chart = byKey[canvas.dataset.chart];
    if (!chart) {
      return;
    }
    var labels = chart.labels.map(function (label, i) {
      return chart.notes[i] ? label + " (" + chart.notes[i] + ")" : label;
    });
    new Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: [{ label: chart.title, data: chart.values }] },
      options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  });
})();
