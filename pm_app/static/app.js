// Progressive enhancement only: every page works without this file.
"use strict";

// New-user form: show the one binding the chosen role needs (streets, firm or compound), and in
// the firm select only the firms of the kind that role may be bound to. The server checks all
// of this again; this just keeps the form short on a phone.
function setUpRoleBindings() {
  const form = document.getElementById("user-form");
  const data = document.getElementById("role-bindings");
  if (!form || !data) return;
  const rules = JSON.parse(data.textContent);
  const role = form.querySelector("select[name=role]");

  function update() {
    const need = rules.binding[role.value] || null;
    form.querySelectorAll("fieldset[data-binding]").forEach((fieldset) => {
      const shown = fieldset.dataset.binding === need;
      fieldset.hidden = !shown;
      fieldset.querySelectorAll("select").forEach((select) => { select.disabled = !shown; });
    });
    const kind = rules.firm_kind[role.value];
    form.querySelectorAll("optgroup[data-kind]").forEach((group) => {
      const shown = group.dataset.kind === kind;
      group.hidden = !shown;
      group.disabled = !shown;
      if (!shown) group.querySelectorAll("option:checked").forEach((o) => { o.selected = false; });
    });
  }

  role.addEventListener("change", update);
  update();
}

document.addEventListener("DOMContentLoaded", setUpRoleBindings);
