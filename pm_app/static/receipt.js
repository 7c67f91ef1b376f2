// The receipt page: a Print button, and the print dialog at once after a payment (?print=1).
(function () {
  var button = document.getElementById("print-receipt");
  if (button) button.addEventListener("click", function () { window.print(); });
  var script = document.currentScript || document.querySelector('script[data-auto-print]');
  if (script && script.getAttribute("data-auto-print") === "1") {
    window.addEventListener("load", function () { window.print(); });
  }
})();
