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
