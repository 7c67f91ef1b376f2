// Upload progress for the import page. Progressive enhancement: without this file the form posts
// normally and the server answers with the file's preview; with it, the same request goes through
// XMLHttpRequest so the bar can follow the upload, and the browser then opens the preview (or the
// server's page of errors replaces this one).
"use strict";

function setUpUpload(form) {
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  const box = form.querySelector("#upload-progress");
  const bar = box.querySelector("progress");
  const status = box.querySelector("#upload-status");
  const button = form.querySelector("button[type=submit]");
  const maxBytes = Number(form.dataset.maxBytes || 0);

  function say(text) {
    box.hidden = false;
    status.textContent = text;
  }

  form.addEventListener("submit", (event) => {
    const input = form.querySelector("input[type=file]");
    const file = input && input.files && input.files[0];
    if (!file) return; // let the server say the file is missing
    event.preventDefault();
    if (maxBytes && file.size > maxBytes) {
      say(form.dataset.tooLarge); // the server would refuse it (413) after the whole upload
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.upload.onprogress = (e) => {
      if (!e.lengthComputable) return;
      const percent = Math.floor((e.loaded / e.total) * 100);
      bar.value = percent;
      say(form.dataset.sending.replace("{percent}", percent));
    };
    xhr.upload.onload = () => {
      bar.removeAttribute("value"); // indeterminate while the server checks the rows
      say(form.dataset.checking);
    };
    xhr.onload = () => {
      // A kept file is answered with its preview page (a redirect): go there, so the address,
      // a reload and the back button are the preview's.
      const landed = xhr.responseURL ? new URL(xhr.responseURL) : null;
      if (xhr.status === 200 && landed && landed.pathname !== window.location.pathname) {
        window.location.assign(xhr.responseURL);
        return;
      }
      showPage(xhr.responseText);
    };
    xhr.onerror = () => {
      button.disabled = false;
      say(form.dataset.failed);
    };
    button.disabled = true;
    bar.value = 0;
    say(form.dataset.sending.replace("{percent}", 0));
    xhr.send(new FormData(form));
  });
}

// The server answers with a whole page (result, error table, or an error page such as 413):
// swap in its <main> and title, and wire the new form up again.
function showPage(html) {
  const page = new DOMParser().parseFromString(html, "text/html");
  const main = page.querySelector("main");
  if (!main) {
    document.open();
    document.write(html);
    document.close();
    return;
  }
  document.querySelector("main").replaceWith(document.adoptNode(main));
  document.title = page.title;
  const focus = document.querySelector("#import-result, #import-errors, main h1");
  if (focus) {
    focus.setAttribute("tabindex", "-1");
    focus.focus();
  }
  setUpUpload(document.getElementById("upload-form"));
}

document.addEventListener("DOMContentLoaded", () => setUpUpload(document.getElementById("upload-form")));
