// Every page: a <select data-submit-on-change> (the language switch in the top bar) sends its
// form as soon as a choice is made. Kept out of the page itself so that the Content Security
// Policy needs no inline script; without JavaScript the form's own button does the same.
"use strict";

document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-submit-on-change]");
  if (select && select.form) {
    select.form.submit();
  }
});

// A <select data-lookup="URL"> (projects.forms.widgets.LookupSelect) holds only the chosen
// option of a big table: it becomes a search box that asks URL?q=… for at most 20 matches
// ([{id, text}]) and lists them; picking one (click, or arrows and Enter) puts it in the
// select, which is what the form sends. data-lookup-from/-param: another field's value narrows
// the search (the chosen channel's problems), and changing that field clears the choice. The
// texts come from the page (data-lookup-placeholder, -empty, -more, -failed), in its language.
const setUpLookup = (select) => {
  const data = select.dataset;
  const emptyOption = select.options[0];
  const input = document.createElement("input");
  input.type = "search";
  input.id = `${select.id}_search`;
  input.className = "lookup-input";
  input.placeholder = data.lookupPlaceholder || "";
  input.autocomplete = "off";
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", `${select.id}_matches`);
  if (select.getAttribute("aria-describedby")) {
    input.setAttribute("aria-describedby", select.getAttribute("aria-describedby"));
  }
  if (select.getAttribute("aria-invalid")) {
    input.setAttribute("aria-invalid", select.getAttribute("aria-invalid"));
  }
  const list = document.createElement("ul");
  list.id = `${select.id}_matches`;
  list.className = "lookup-matches";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  const status = document.createElement("p");
  status.className = "lookup-status";
  status.setAttribute("aria-live", "polite");
  const box = document.createElement("div");
  box.className = "lookup";
  select.before(box);
  box.append(input, list, status);
  box.append(select);
  select.hidden = true;
  const label = document.querySelector(`label[for="${select.id}"]`);
  if (label) {
    label.htmlFor = input.id;
  }

  const chosenText = () => (select.value ? select.selectedOptions[0].text : "");
  input.value = chosenText();
  let matches = [];
  let active = -1;
  let timer = null;
  let controller = null;

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const highlight = (index) => {
    const items = list.children;
    if (!items.length) {
      return;
    }
    active = (index + items.length) % items.length;
    for (const [i, item] of Array.from(items).entries()) {
      item.setAttribute("aria-selected", String(i === active));
    }
    input.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({ block: "nearest" });
  };
  const choose = (match) => {
    select.replaceChildren(emptyOption);
    if (match) {
      select.append(new Option(match.text, String(match.id), true, true));
    } else {
      emptyOption.selected = true;
    }
    input.value = match ? match.text : "";
    status.textContent = "";
    close();
    select.dispatchEvent(new Event("change", { bubbles: true }));
  };
  const show = (found) => {
    matches = found;
    list.replaceChildren(
      ...found.map((match, i) => {
        const item = document.createElement("li");
        item.id = `${select.id}_match_${i}`;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = match.text;
        return item;
      }),
    );
    list.hidden = !found.length;
    input.setAttribute("aria-expanded", String(Boolean(found.length)));
    status.textContent = found.length ? (found.length >= 20 ? data.lookupMore || "" : "") : data.lookupEmpty || "";
    active = -1;
  };
  const search = async () => {
    const params = new URLSearchParams({ q: input.value.trim() });
    const source = data.lookupFrom && document.getElementById(data.lookupFrom);
    if (source && source.value) {
      params.set(data.lookupParam, source.value);
    }
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    try {
      const response = await fetch(`${data.lookup}?${params}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller.signal,
      });
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      show(await response.json());
    } catch (error) {
      if (error.name !== "AbortError") {
        show([]);
        status.textContent = data.lookupFailed || "";
      }
    }
  };

  input.addEventListener("input", () => {
    if (!input.value.trim() && select.value) {
      choose(null);
    }
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  input.addEventListener("focus", () => {
    if (!input.value.trim()) {
      search();
    }
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (list.hidden) {
        search();
      } else {
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      }
    } else if (event.key === "Enter" && !list.hidden) {
      event.preventDefault();
      if (matches.length) {
        choose(matches[Math.max(active, 0)]);
      }
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", () => {
    // What was typed but not picked does not count: the box shows the choice again.
    setTimeout(() => {
      close();
      input.value = chosenText();
    }, 150);
  });
  list.addEventListener("mousedown", (event) => {
    event.preventDefault(); // keeps the focus in the box
    const item = event.target.closest("li[role=option]");
    if (item) {
      choose(matches[Array.from(list.children).indexOf(item)]);
    }
  });
  if (data.lookupFrom) {
    document.addEventListener("change", (event) => {
      if (event.target.id === data.lookupFrom && select.value) {
        choose(null);
      }
    });
  }
};

document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select[data-lookup]")) {
    setUpLookup(select);
  }
});

// A background job's page (templates/projects/jobs/detail.html): while the job runs, ask its
// status every second and move the bar; once it has finished, load the page again for the
// result or the reason it failed. Without JavaScript the page's "Refresh" link does the same.
const followJob = (panel) => {
  const url = panel.dataset.jobStatusUrl;
  const bar = panel.querySelector("[data-job-bar]");
  const show = (selector, text) => {
    const element = panel.querySelector(selector);
    if (element) {
      element.textContent = text;
    }
  };
  const poll = () => {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((job) => {
        if (job.finished) {
          window.location.reload();
          return;
        }
        if (bar) {
          bar.className = `pct-${job.percent}`;
        }
        show("[data-job-status]", job.status_label);
        show("[data-job-step]", job.step);
        show("[data-job-percent]", job.percent);
        show("[data-job-done]", job.done);
        show("[data-job-total]", job.total);
        setTimeout(poll, 1000);
      })
      .catch(() => setTimeout(poll, 5000));
  };
  setTimeout(poll, 1000);
};

document.addEventListener("DOMContentLoaded", () => {
  const panel = document.querySelector("[data-job-status-url]");
  if (panel) {
    followJob(panel);
  }
});
