// Progressive enhancement only: every page works without this file.
"use strict";

// Ask before destructive or hard-to-undo actions (forms marked data-confirm).
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
