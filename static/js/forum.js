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

// Similar questions while the title is typed (the ask page). Without JavaScript the server
// shows them on a preview step instead; this script tells it they were already shown.
(function () {
  const box = document.getElementById("similar");
  const title = document.getElementById("title");
  if (!box || !title) return;
  const seen = document.getElementById("checked_similar");
  if (seen) seen.value = "1";
  const token = title.form && title.form.querySelector("input[name=csrf_token]");
  const url = box.getAttribute("data-similar-url");
  const heading = box.getAttribute("data-heading");
  const solvedLabel = box.getAttribute("data-solved");
  let timer = null;
  let last = "";

  function render(items) {
    box.replaceChildren();
    if (!items.length) {
      box.hidden = true;
      return;
    }
    const h = document.createElement("h2");
    h.textContent = heading;
    const list = document.createElement("ul");
    for (const item of items) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = item.url;
      a.textContent = item.title;
      a.target = "_blank";
      a.rel = "noopener";
      li.append(a);
      if (item.solved) {
        const mark = document.createElement("span");
        mark.className = "solved";
        mark.textContent = " ✓ " + solvedLabel;
        li.append(" ", mark);
      }
      list.append(li);
    }
    box.append(h, list);
    box.hidden = false;
  }

  function lookup() {
    const text = title.value.trim();
    if (text === last) return;
    last = text;
    if (text.length < 2) {
      render([]);
      return;
    }
    // POST, never ?title=: what is typed must not end up in a URL (access logs, history).
    const body = new FormData();
    body.append("title", text);
    body.append("csrf_token", token ? token.value : "");
    fetch(url, { method: "POST", body, cache: "no-store", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : []))
      .then((items) => { if (title.value.trim() === text) render(items); })
      .catch(() => {});
  }

  title.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(lookup, 300);
  });
  if (title.value) lookup();
})();
