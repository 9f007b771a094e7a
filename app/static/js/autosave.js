/* Autosave for the form pages: every answer is saved when it changes, with a visible state.
 *
 * - each save carries the version the page last saw; a 409 shows the other person's answer
 *   and lets the user choose, nothing is silently overwritten;
 * - each save carries a request id; a retry after a network error reuses it, so the server
 *   applies it once;
 * - an expired CSRF token is refreshed; an expired session keeps the typed text in the page
 *   until the user has logged in again (in another window) and presses "Gem igen".
 */
(function () {
  "use strict";

  var page = document.getElementById("form-page");
  if (!page || page.dataset.editable !== "true") {
    return;
  }
  var saveUrl = page.dataset.saveUrl;
  var csrfUrl = page.dataset.csrfUrl;
  var csrfInput = document.getElementById("csrf-token");
  var sessionAlert = document.getElementById("session-alert");
  var pending = {}; // key -> {value, requestId}: saves not yet acknowledged
  var timers = {};
  // the page's language: the texts come translated from the server
  var TEXT = JSON.parse(document.getElementById("autosave-text").textContent);

  function newRequestId() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function container(key) {
    return document.getElementById("q-" + key);
  }

  function readValue(box) {
    var kind = box.dataset.kind;
    if (kind === "yes_no" || kind === "choice") {
      var checked = box.querySelector("input[type=radio]:checked");
      if (!checked) {
        return null;
      }
      if (kind === "yes_no") {
        return checked.value === "true";
      }
      return checked.value;
    }
    var text = box.querySelector("textarea").value;
    if (kind === "prioritised_list") {
      return text.split("\n").map(function (line) { return line.trim(); })
        .filter(function (line) { return line.length > 0; });
    }
    return text;
  }

  function writeValue(box, value) {
    var kind = box.dataset.kind;
    if (kind === "yes_no" || kind === "choice") {
      box.querySelectorAll("input[type=radio]").forEach(function (radio) {
        var wanted = kind === "yes_no" ? String(value) : value;
        radio.checked = value !== null && radio.value === wanted;
      });
      return;
    }
    var area = box.querySelector("textarea");
    area.value = Array.isArray(value) ? value.join("\n") : (value || "");
  }

  function describe(box, value) {
    if (value === null || value === "" || (Array.isArray(value) && value.length === 0)) {
      return TEXT.empty;
    }
    if (box.dataset.kind === "yes_no") {
      return value ? TEXT.yes : TEXT.no;
    }
    if (box.dataset.kind === "choice") {
      var radio = box.querySelector("input[value='" + value + "']");
      return radio ? radio.parentElement.textContent.trim() : value;
    }
    return Array.isArray(value) ? value.join(" · ") : value;
  }

  function setState(box, text, cssClass, withRetry) {
    var state = box.querySelector(".save-state");
    state.className = "save-state small " + (cssClass || "");
    state.textContent = text;
    if (withRetry) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-xs btn-default retry";
      button.textContent = TEXT.retry;
      button.addEventListener("click", function () { send(box.dataset.key); });
      state.appendChild(document.createTextNode(" "));
      state.appendChild(button);
    }
  }

  function refreshCsrf() {
    return fetch(csrfUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status === 401 ? "session" : "csrf"); }
        return response.json();
      })
      .then(function (data) { csrfInput.value = data.token; });
  }

  function queue(key) {
    var box = container(key);
    pending[key] = { value: readValue(box), requestId: newRequestId() };
    send(key);
  }

  function send(key, csrfRetried) {
    var box = container(key);
    var job = pending[key];
    if (!job) { return; }
    setState(box, TEXT.saving, "text-muted");
    fetch(saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrfInput.value
      },
      body: JSON.stringify({
        key: key,
        value: job.value,
        version: parseInt(box.dataset.version, 10) || 0,
        request_id: job.requestId
      })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        handle(key, response.status, data, csrfRetried);
      });
    }).catch(function () {
      // network error: keep the same request id, so that a retry is applied once
      setState(box, TEXT.failed, "text-danger", true);
      setTimeout(function () { if (pending[key] === job) { send(key); } }, 5000);
    });
  }

  function handle(key, status, data, csrfRetried) {
    var box = container(key);
    if (status === 200) {
      if (pending[key] && JSON.stringify(pending[key].value) === JSON.stringify(readValue(box))) {
        delete pending[key];
      }
      box.dataset.version = data.version;
      box.classList.remove("missing", "has-error");
      var note = box.querySelector(".missing-note");
      if (note) { note.remove(); }
      box.querySelector(".conflict").classList.add("hidden");
      setState(box, TEXT.saved + data.saved_at, "text-success");
      updateStatuses(data);
      if (pending[key]) { send(key); } // typed on while saving
      return;
    }
    if (status === 409 && data.error === "conflict") {
      showConflict(box, data);
      return;
    }
    if (status === 400 && data.error === "csrf" && !csrfRetried) {
      refreshCsrf().then(function () { send(key, true); }, function (error) {
        if (error.message === "session") {
          sessionAlert.classList.remove("hidden");
          setState(box, TEXT.session, "text-danger");
        } else {
          setState(box, TEXT.failed, "text-danger", true);
        }
      });
      return;
    }
    if (status === 401) {
      sessionAlert.classList.remove("hidden");
      setState(box, TEXT.session, "text-danger");
      return;
    }
    if (status >= 500 || status === 429 || status === 0) {
      // the server could not save it now: keep the answer and the request id, try again
      var job = pending[key];
      setState(box, TEXT.failed, "text-danger", true);
      setTimeout(function () { if (pending[key] === job) { send(key); } }, 10000);
      return;
    }
    // refused: a clear message, nothing saved
    delete pending[key];
    box.classList.add("has-error");
    setState(box, data.message || TEXT.failed, "text-danger");
  }

  function showConflict(box, data) {
    var key = box.dataset.key;
    var panel = box.querySelector(".conflict");
    panel.innerHTML = "";
    var who = document.createElement("p");
    who.textContent = data.message + " " + (data.changed_by || TEXT.someone) + " " +
      TEXT.conflictBy + " " + (data.changed_at || "") + ":";
    var theirs = document.createElement("blockquote");
    theirs.className = "their-answer";
    theirs.textContent = describe(box, data.value);
    var keepMine = document.createElement("button");
    keepMine.type = "button";
    keepMine.className = "btn btn-sm btn-primary keep-mine";
    keepMine.textContent = TEXT.mine;
    keepMine.addEventListener("click", function () {
      box.dataset.version = data.version;
      panel.classList.add("hidden");
      pending[key] = { value: readValue(box), requestId: newRequestId() };
      send(key);
    });
    var useTheirs = document.createElement("button");
    useTheirs.type = "button";
    useTheirs.className = "btn btn-sm btn-default use-theirs";
    useTheirs.textContent = TEXT.theirs;
    useTheirs.addEventListener("click", function () {
      box.dataset.version = data.version;
      writeValue(box, data.value);
      delete pending[key];
      panel.classList.add("hidden");
      setState(box, TEXT.saved + (data.changed_at || ""), "text-success");
    });
    panel.appendChild(who);
    panel.appendChild(theirs);
    panel.appendChild(keepMine);
    panel.appendChild(document.createTextNode(" "));
    panel.appendChild(useTheirs);
    panel.classList.remove("hidden");
    setState(box, TEXT.failed, "text-warning");
  }

  function updateStatuses(data) {
    var formStatus = document.querySelector("#form-status .form-status");
    if (formStatus && data.form_status_label) {
      formStatus.className = "form-status form-status-" + data.form_status.toLowerCase();
      formStatus.lastChild.textContent = " " + data.form_status_label;
    }
    var packageStatus = document.getElementById("package-status");
    if (packageStatus && data.package_status_label) {
      packageStatus.className = "label status-" + data.package_status.toLowerCase();
      packageStatus.textContent = data.package_status_label;
    }
    Object.keys(data.sections || {}).forEach(function (sectionKey) {
      var icon = document.querySelector(".section-icon[data-section='" + sectionKey + "']");
      if (icon) {
        var status = data.sections[sectionKey].toLowerCase();
        icon.className = "section-icon section-" + status;
        icon.dataset.status = status;
      }
    });
  }

  document.querySelectorAll(".question[data-key]").forEach(function (box) {
    var key = box.dataset.key;
    box.querySelectorAll("input[type=radio]").forEach(function (radio) {
      radio.addEventListener("change", function () { queue(key); });
    });
    var area = box.querySelector("textarea");
    if (area) {
      area.addEventListener("input", function () {
        clearTimeout(timers[key]);
        timers[key] = setTimeout(function () { queue(key); }, 800);
      });
      area.addEventListener("blur", function () {
        if (timers[key]) {
          clearTimeout(timers[key]);
          timers[key] = null;
          queue(key);
        }
      });
    }
  });

  document.getElementById("retry-all").addEventListener("click", function () {
    sessionAlert.classList.add("hidden");
    refreshCsrf().then(function () {
      Object.keys(pending).forEach(function (key) { send(key); });
    }, function () { sessionAlert.classList.remove("hidden"); });
  });

  // refresh the CSRF token every 30 minutes, so a page left open for hours still saves
  setInterval(function () { refreshCsrf().catch(function () {}); }, 30 * 60 * 1000);

  window.addEventListener("beforeunload", function (event) {
    if (Object.keys(pending).length > 0) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
