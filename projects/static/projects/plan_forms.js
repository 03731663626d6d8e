// The plan's page: "add a row" copies a list's empty form (Django's __prefix__ form) and counts
// it in the list's TOTAL_FORMS; a row added here can be removed again before saving. Without
// JavaScript each list still offers one empty row and "Save and keep editing".
//
// Search boxes: a row added here gets them like the page's own rows (setUpLookup, site.js). A
// <select multiple data-lookup-many="URL"> (projects.forms.plan_choices: a task's supporting
// units) holds the chosen options only; a search box after it (the site's, on a select that
// sends nothing) adds the one picked to them, selected. Unselecting an option removes it.
"use strict";

const setUpManyLookup = (select) => {
  const helper = document.createElement("select");
  helper.id = `${select.id}_add`;
  for (const [key, value] of Object.entries(select.dataset)) {
    if (key !== "lookupMany") {
      helper.dataset[key] = value;
    }
  }
  helper.dataset.lookup = select.dataset.lookupMany;
  const empty = new Option("", "");
  helper.append(empty);
  select.after(helper);
  setUpLookup(helper);
  const input = document.getElementById(`${helper.id}_search`);
  const label = document.querySelector(`label[for="${select.id}"]`);
  if (input && label) {
    input.setAttribute("aria-label", label.textContent.trim());
  }
  helper.addEventListener("change", () => {
    if (!helper.value) {
      return;
    }
    const picked = helper.selectedOptions[0];
    let option = Array.from(select.options).find((o) => o.value === picked.value);
    if (!option) {
      option = new Option(picked.text, picked.value);
      select.append(option);
    }
    option.selected = true;
    helper.replaceChildren(empty);
    empty.selected = true;
    if (input) {
      input.value = "";
    }
  });
};

const setUpRowLookups = (root) => {
  if (typeof setUpLookup !== "function") {
    return;
  }
  for (const select of root.querySelectorAll("select[data-lookup-many]")) {
    setUpManyLookup(select);
  }
};

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
      if (typeof setUpLookup === "function") {
        for (const select of row.querySelectorAll("select[data-lookup]")) {
          setUpLookup(select);
        }
      }
      setUpRowLookups(row);
      const first = row.querySelector("input:not([type=hidden]), select, textarea");
      if (first) {
        first.focus();
      }
    });
  }

  showRemoveButtons(document);
  setUpRowLookups(document);
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.remove-row");
    if (button) {
      // A removed new row sends nothing; the forms after it keep their numbers.
      button.closest("[data-row]").remove();
    }
  });
});
