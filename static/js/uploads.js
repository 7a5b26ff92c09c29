// Images in post and note forms: drag and drop, paste and the file picker upload each image
// at once (with a progress bar), show its thumbnail and an alt-text box, and leave only a
// hidden id for the form to send. Without this file the plain file input still works.
"use strict";

(function () {
  const csrf = () => {
    const input = document.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  };

  function setup(field) {
    const form = field.closest("form");
    const input = field.querySelector('input[type="file"]');
    const list = field.querySelector(".image-list");
    const status = field.querySelector(".upload-status");
    const max = Number(field.dataset.max);
    const maxBytes = Number(field.dataset.maxBytes);
    if (!form || !input || !list) return;
    field.classList.add("enhanced");

    const count = () => list.querySelectorAll("li").length;
    const say = (text) => { status.textContent = text; };

    function item(file) {
      const li = document.createElement("li");
      li.className = "image-item uploading";
      const img = document.createElement("img");
      img.alt = "";
      img.src = URL.createObjectURL(file);  // the thumbnail before the upload ends
      const bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      li.append(img, bar);
      list.append(li);
      return { li, img, bar };
    }

    function done(view, data) {
      const { li, img, bar } = view;
      li.classList.remove("uploading");
      bar.remove();
      URL.revokeObjectURL(img.src);
      img.src = data.thumb;
      const hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "attachment";
      hidden.value = data.id;
      const label = document.createElement("label");
      const alt = document.createElement("input");
      alt.type = "text";
      alt.name = "alt_" + data.id;
      alt.value = data.alt;
      alt.maxLength = 200;
      label.append(field.dataset.altLabel + " ", alt);
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link";
      remove.textContent = field.dataset.removeLabel;
      remove.addEventListener("click", () => li.remove());
      li.append(hidden, label, remove);
    }

    function send(file) {
      if (count() >= max) return say(field.dataset.tooMany);
      if (file.size > maxBytes) return say(field.dataset.tooBig);
      const view = item(file);
      const body = new FormData();
      body.append("image", file, file.name || "screenshot.png");
      const xhr = new XMLHttpRequest();
      xhr.open("POST", field.dataset.uploadUrl);
      xhr.setRequestHeader("X-CSRFToken", csrf());
      xhr.responseType = "json";
      xhr.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) view.bar.value = (100 * event.loaded) / event.total;
      });
      xhr.addEventListener("load", () => {
        if (xhr.status === 200 && xhr.response) return done(view, xhr.response);
        view.li.remove();
        const error = xhr.response && xhr.response.error;
        say(error || field.dataset.failed);
        if (xhr.response && xhr.response.secret) window.alert(error);
      });
      xhr.addEventListener("error", () => { view.li.remove(); say(field.dataset.failed); });
      xhr.send(body);
    }

    const sendAll = (files) => {
      say("");
      for (const file of files) if (file.type.startsWith("image/")) send(file);
    };

    input.addEventListener("change", () => {
      sendAll(Array.from(input.files));
      input.value = "";  // uploaded already: the form sends only the ids
    });
    field.addEventListener("dragover", (event) => {
      event.preventDefault();
      field.classList.add("dragging");
    });
    field.addEventListener("dragleave", () => field.classList.remove("dragging"));
    field.addEventListener("drop", (event) => {
      event.preventDefault();
      field.classList.remove("dragging");
      sendAll(Array.from(event.dataTransfer.files));
    });
    form.addEventListener("paste", (event) => {
      const files = Array.from(event.clipboardData ? event.clipboardData.files : []);
      if (files.length) {
        event.preventDefault();
        sendAll(files);
      }
    });
  }

  document.querySelectorAll(".images-field").forEach(setup);
})();
