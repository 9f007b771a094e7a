// A job's page (a register import, a package PDF being built) follows it: the progress bar
// and status move while it runs, and the page reloads once, with the result, when it has
// finished.
(function () {
  var state = document.getElementById("import-state");
  if (!state || state.dataset.finished === "true") return;
  var bar = document.getElementById("import-progress");
  var label = document.getElementById("import-status");
  function poll() {
    fetch(state.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { setTimeout(poll, 5000); return; }
        bar.value = job.progress;
        label.textContent = job.label;
        if (job.finished) { window.location.reload(); } else { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
