// Draws every chart of a page. The server embeds each figure as
//   <script type="application/json" data-chart>{"data": [...], "layout": {...}, "config": {...}}</script>
// (pm_app/<domain>/charts.py builds them); this file, loaded after the locally served
// plotly.min.js, puts a plot just before each one. No inline script anywhere, so a CSP of
// script-src 'self' holds. Without JavaScript the table beside each chart still has the numbers.
"use strict";

function drawCharts() {
  if (!window.Plotly) return;
  document.querySelectorAll('script[type="application/json"][data-chart]').forEach((source) => {
    let figure;
    try {
      figure = JSON.parse(source.textContent);
    } catch (error) {
      console.error("chart data is not JSON", error);
      return;
    }
    const box = document.createElement("div");
    box.className = "chart";
    // The figure's title already names it; screen readers get the table beside it instead.
    box.setAttribute("aria-hidden", "true");
    source.parentNode.insertBefore(box, source);
    Plotly.newPlot(box, figure.data || [], figure.layout || {}, figure.config || {});
  });
}

document.addEventListener("DOMContentLoaded", drawCharts);
