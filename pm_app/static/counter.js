// The counter's pay form: the amount follows the months ticked (what they owe, in yuan).
(function () {
  var form = document.getElementById("counter-pay");
  var amount = document.getElementById("counter-amount");
  if (!form || !amount) return;
  function recompute() {
    var fen = 0;
    form.querySelectorAll('input[name="bill_ids"]:checked').forEach(function (box) {
      fen += parseInt(box.getAttribute("data-owed"), 10) || 0;
    });
    amount.value = Math.floor(fen / 100) + "." + String(fen % 100).padStart(2, "0");
  }
  form.querySelectorAll('input[name="bill_ids"]').forEach(function (box) {
    box.addEventListener("change", recompute);
  });
  // One payment per form: a second click while the first is on its way sends nothing more.
  form.addEventListener("submit", function () {
    var button = form.querySelector('button[type="submit"]');
    window.setTimeout(function () { if (button) button.disabled = true; }, 0);
  });
})();
