// The plan's page: "add a row" copies a list's empty form (Django's __prefix__ form) and counts
// it in the list's TOTAL_FORMS; a row added here can be removed again before saving. Without
// JavaScript each list still offers one empty row and "Save and keep editing".
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const showRemoveButtons = (root) => {
    for (const button of root.querySelectorAll("button.remove-row")) {
      button.hidden = false;
    }
  };

  for (const button of document.querySelectorAll("button.add-row[data-formset]")) {
    const name = button.dataset.formset;
    const total = document.getElementById(`id_${name}-TOTAL_FORMS`);
    const template = document.getElementById(`${name}-empty`);
    const rows = document.querySelector(`[data-rows="${name}"]`);
    if (!total || !template || !rows) {
      continue;
    }
    button.hidden = false;
    button.addEventListener("click", () => {
      const index = Number(total.value);
      rows.insertAdjacentHTML("beforeend", template.innerHTML.replaceAll("__prefix__", String(index)));
      total.value = String(index + 1);
      const row = rows.lastElementChild;
      showRemoveButtons(row);
      const first = row.querySelector("input:not([type=hidden]), select, textarea");
      if (first) {
        first.focus();
      }
    });
  }

  showRemoveButtons(document);
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.remove-row");
    if (button) {
      // A removed new row sends nothing; the forms after it keep their numbers.
      button.closest("[data-row]").remove();
    }
  });
});
