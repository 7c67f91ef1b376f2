// The job page's progress bar. The page is drawn from the job's row; this script asks for the
// progress every two seconds while the job is queued or running, and reloads the page once it
// has ended, so the server draws the summary. A reload or a second tab simply starts again.
"use strict";

(function () {
  const box = document.getElementById("job");
  if (!box || !window.fetch) return;
  const bar = document.getElementById("job-bar");
  const status = document.getElementById("job-status");
  let state = box.dataset.state;

  function show(job) {
    bar.max = Math.max(job.progress.total, 1);
    bar.value = job.progress.done;
    status.textContent = box.dataset.running
      .replace("{done}", job.progress.done).replace("{total}", job.progress.total);
  }

  function poll() {
    fetch(box.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then((job) => {
        show(job);
        if (job.state !== state && (job.state === "finished" || job.state === "failed")) {
          window.location.reload();
          return;
        }
        state = job.state;
        window.setTimeout(poll, 2000);
      })
      .catch(() => {
        status.textContent = box.dataset.lost;
        window.setTimeout(poll, 5000);
      });
  }

  if (state === "queued" || state === "running") window.setTimeout(poll, 1000);
})();
