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

// Drafts (forms marked data-draft): what is typed is kept on this device while typing and
// put back on return (after a lost session, a closed tab, a rate limit). The page after a
// successful post carries <meta name="forum-draft-sent">, which drops the sent draft. When the
// guard refused a secret, the draft is replaced by the text shown (with the secret cut out).
(function () {
  let store = null;
  let tab = null;
  try {
    store = window.localStorage;
    tab = window.sessionStorage;
    store.setItem("forum-draft-test", "1");
    store.removeItem("forum-draft-test");
  } catch (e) {
    return;
  }
  const PREFIX = "forum-draft:";
  const PENDING = "forum-draft-pending";
  const MAX_AGE = 30 * 86400 * 1000;
  if (document.querySelector('meta[name="forum-draft-sent"]')) {
    const pending = tab.getItem(PENDING);
    if (pending) store.removeItem(PREFIX + pending);
    tab.removeItem(PENDING);
  }
  for (let i = store.length - 1; i >= 0; i--) {
    const name = store.key(i);
    if (!name || !name.startsWith(PREFIX)) continue;
    try {
      if (Date.now() - JSON.parse(store.getItem(name)).at > MAX_AGE) store.removeItem(name);
    } catch (e) {
      store.removeItem(name);
    }
  }

  function fields(form) {
    return Array.from(form.querySelectorAll("textarea, input[type=text]"))
      .filter((f) => f.name && f.name !== "csrf_token");
  }

  // Never keep on the device what looks like a wallet secret (the server's guard decides on
  // what is sent; this only stops a pasted phrase or key from lingering in localStorage).
  const SECRET_LIKE = [
    /(?:\b[a-z]{3,8}\b[\s,;.|"'`*\-\d]+){11,}\b[a-z]{3,8}\b/i,          // 12+ short words in a row
    /(?:[\u4e00-\u9fff][\s,，、"'\d.]+){11,}[\u4e00-\u9fff]/,               // 12+ separated characters
    /\b[5KLc9][1-9A-HJ-NP-Za-km-z]{50,51}\b/,                                  // WIF
    /\b[xyztuv]prv[1-9A-HJ-NP-Za-km-z]{100,}/,                                   // extended private key
    /(?:private ?key|私钥|密钥)[^\n]{0,40}(?:0x)?[0-9a-fA-F]{64}/i,             // a key named as one
  ];

  // Common English words that are not in the BIP-39 list: a run holding one is prose.
  const PROSE = new Set(["the", "and", "for", "are", "not", "with", "was", "were", "your",
    "from", "but", "has", "had", "how", "who", "why", "its", "did", "does", "our", "out",
    "them", "their", "than", "been", "some", "after", "please", "thanks"]);

  function secretLike(text) {
    const [words, ...others] = SECRET_LIKE;
    if (others.some((pattern) => pattern.test(text))) return true;
    const runs = text.match(new RegExp(words.source, "gi")) || [];
    return runs.some((run) => !run.toLowerCase().match(/[a-z]+/g).some((w) => PROSE.has(w)));
  }

  function save(form, key) {
    const values = {};
    let any = false;
    for (const f of fields(form)) {
      if (secretLike(f.value)) {
        store.removeItem(key);
        return;
      }
      if (f.value.trim()) {
        values[f.name] = f.value;
        any = true;
      }
    }
    if (any) store.setItem(key, JSON.stringify({ values, at: Date.now() }));
    else store.removeItem(key);
  }

  function restore(form, key) {
    let saved = null;
    try {
      saved = JSON.parse(store.getItem(key) || "null");
    } catch (e) {
      saved = null;
    }
    if (!saved || !saved.values) return;
    let restored = false;
    for (const f of fields(form)) {
      const value = saved.values[f.name];
      if (value && !f.value.trim()) {
        f.value = value;
        restored = true;
      }
    }
    if (!restored) return;
    const note = document.createElement("p");
    note.className = "draft-note";
    note.setAttribute("role", "status");
    note.textContent = form.getAttribute("data-draft-restored") + " ";
    const discard = document.createElement("button");
    discard.type = "button";
    discard.className = "link";
    discard.textContent = form.getAttribute("data-draft-discard");
    discard.addEventListener("click", () => {
      for (const f of fields(form)) if (saved.values[f.name] === f.value) f.value = "";
      store.removeItem(key);
      note.remove();
    });
    note.append(discard);
    form.prepend(note);
  }

  for (const form of document.querySelectorAll("form[data-draft]")) {
    const name = form.getAttribute("data-draft");
    const key = PREFIX + name;
    if (form.querySelector(".secret-warning") || document.getElementById("secret-warning")) {
      save(form, key); // keep only what the page shows: the secret is cut out
    } else {
      restore(form, key);
    }
    let timer = null;
    form.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => save(form, key), 300);
    });
    form.addEventListener("submit", () => {
      save(form, key);
      tab.setItem(PENDING, name);
    });
  }
})();

// Time zone (settings): with none saved, preselect the browser's own zone when it is offered.
(function () {
  const box = document.querySelector(".tz-detect");
  const select = box && box.querySelector("select");
  if (!select || select.value) return;
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    return;
  }
  if (!zone || !Array.from(select.options).some((o) => o.value === zone)) return;
  select.value = zone;
  const note = document.createElement("p");
  note.className = "help";
  note.setAttribute("role", "status");
  note.textContent = box.getAttribute("data-tz-note");
  box.append(note);
})();

// Code blocks that scroll sideways (long hashes) can be scrolled with the keyboard too.
for (const block of document.querySelectorAll("pre")) {
  if (block.scrollWidth > block.clientWidth && !block.hasAttribute("tabindex")) {
    block.setAttribute("tabindex", "0");
  }
}
