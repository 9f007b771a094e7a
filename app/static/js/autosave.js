/* Autosave for the form pages: every answer is saved when it changes, with a visible state.
 *
 * - one save in flight per field: the next one leaves only when the previous answer has
 *   arrived, and carries the version the server has just returned;
 * - typed text is kept until the server has acknowledged exactly that text; an older save
 *   succeeding never discards newer text;
 * - each save carries a request id; a retry after a network or server error reuses it, so the
 *   server applies it once; retries back off (1, 2, 4, 8, 16 s) and then stop with "Ikke gemt"
 *   and a "Gem igen" button that retries every unsaved field;
 * - a 409 whose stored value is the text the user is sending is no conflict (the page takes the
 *   server's version); a real 409 shows the other person's answer and lets the user choose,
 *   nothing is silently overwritten;
 * - an expired CSRF token is refreshed; an expired session keeps the typed text in the page
 *   until the user has logged in again (in another window) and presses "Gem igen";
 * - leaving the page while any field has unsaved or unacknowledged text asks first.
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
  // the page's language: the texts come translated from the server
  var TEXT = JSON.parse(document.getElementById("autosave-text").textContent);
  // waits before each automatic retry, in seconds; after the last one the field stops and says so
  var RETRY_DELAYS = [1, 2, 4, 8, 16];
  var TYPING_PAUSE = 800; // ms without typing before a text is saved

  /* One record per field:
   *   unsaved: {value, requestId} the newest text the server has not acknowledged, or null;
   *   current: the save the server may have seen and has not answered yet (sent, failed or
   *            waiting for a retry), or null; it is resolved before anything newer is sent;
   *   busy: a request is on the wire; timer: a retry is scheduled; attempts: retries so far;
   *   conflict: the chooser is open; typing: a save is waiting for the typing pause. */
  var fields = {};

  function field(key) {
    if (!fields[key]) {
      fields[key] = {
        unsaved: null, current: null, busy: false, timer: null, attempts: 0,
        conflict: false, typing: null
      };
    }
    return fields[key];
  }

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

  // the answer as the server stores it: blank text and empty lists are no answer
  function normalised(value) {
    if (Array.isArray(value)) {
      var items = value.map(function (item) { return String(item).trim(); })
        .filter(function (item) { return item.length > 0; });
      return items.length ? items : null;
    }
    if (typeof value === "string" && value.trim() === "") {
      return null;
    }
    return value === undefined ? null : value;
  }

  function sameAnswer(a, b) {
    return JSON.stringify(normalised(a)) === JSON.stringify(normalised(b));
  }

  function describe(box, value) {
    if (normalised(value) === null) {
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
      button.addEventListener("click", retryAll);
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

  // the field changed: its newest text waits to be saved until acknowledged
  function queue(key) {
    var box = container(key);
    var f = field(key);
    var value = readValue(box);
    if (!f.unsaved || !sameAnswer(f.unsaved.value, value)) {
      f.unsaved = { value: value, requestId: newRequestId() };
    }
    if (f.attempts >= RETRY_DELAYS.length && !f.timer) {
      f.attempts = 0; // retries had stopped: the user's new typing starts them again
    }
    pump(key);
  }

  // send the field's next save, unless one is on the wire, waiting for a retry or a choice
  function pump(key) {
    var f = field(key);
    if (f.busy || f.timer || f.conflict) {
      return;
    }
    var job = f.current || f.unsaved;
    if (!job) {
      return;
    }
    f.current = job;
    send(key, job, false);
  }

  function send(key, job, csrfRetried) {
    var box = container(key);
    var f = field(key);
    f.busy = true;
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
        handle(key, job, response.status, data, csrfRetried);
      });
    }, function () {
      // network error: the server may or may not have applied it; the retry reuses the id
      failed(key);
    });
  }

  // the server now holds `value` at `version`: whatever text equals it is acknowledged
  function acknowledge(key, value, version) {
    var box = container(key);
    var f = field(key);
    box.dataset.version = version;
    f.current = null;
    f.attempts = 0;
    if (f.unsaved && sameAnswer(f.unsaved.value, value)) {
      f.unsaved = null;
    }
  }

  function showSaved(key, savedAt) {
    var box = container(key);
    var f = field(key);
    if (f.unsaved || f.typing) {
      setState(box, TEXT.saving, "text-muted"); // newer text follows
    } else {
      setState(box, TEXT.saved + (savedAt || ""), "text-success");
    }
  }

  function handle(key, job, status, data, csrfRetried) {
    var box = container(key);
    var f = field(key);
    if (status === 400 && data.error === "csrf" && !csrfRetried) {
      refreshCsrf().then(function () { send(key, job, true); }, function (error) {
        if (error.message === "session") {
          f.busy = false;
          sessionExpired(box);
        } else {
          failed(key);
        }
      });
      return;
    }
    f.busy = false;
    if (status === 200) {
      acknowledge(key, job.value, data.version);
      box.classList.remove("missing", "has-error");
      var note = box.querySelector(".missing-note");
      if (note) { note.remove(); }
      box.querySelector(".conflict").classList.add("hidden");
      showSaved(key, data.saved_at);
      updateStatuses(data);
      pump(key); // typed on while saving: the newer text goes with the version just returned
      return;
    }
    if (status === 409 && data.error === "conflict") {
      f.current = null;
      f.attempts = 0;
      if (sameAnswer(data.value, job.value) ||
          (f.unsaved && sameAnswer(data.value, f.unsaved.value))) {
        // the server already holds the text the user is sending: no conflict, take its version
        acknowledge(key, data.value, data.version);
        showSaved(key, data.changed_at);
        pump(key);
        return;
      }
      showConflict(box, data);
      return;
    }
    if (status === 401) {
      sessionExpired(box);
      return;
    }
    if (status >= 500 || status === 429 || status === 0) {
      failed(key); // the server could not save it now: keep the text and the request id
      return;
    }
    // refused (invalid, locked): a clear message, nothing saved, the refused text is dropped
    f.current = null;
    f.attempts = 0;
    if (f.unsaved && sameAnswer(f.unsaved.value, job.value)) {
      f.unsaved = null;
    }
    if (f.unsaved) {
      pump(key); // newer text typed meanwhile: it may be acceptable
      return;
    }
    box.classList.add("has-error");
    setState(box, data.message || TEXT.failed, "text-danger");
  }

  // a failed attempt: retry after 1, 2, 4, 8, 16 s, then stop and say so
  function failed(key) {
    var box = container(key);
    var f = field(key);
    f.busy = false;
    if (f.attempts >= RETRY_DELAYS.length) {
      setState(box, TEXT.failed, "text-danger", true);
      return;
    }
    var delay = RETRY_DELAYS[f.attempts];
    f.attempts += 1;
    setState(box, TEXT.retrying.replace("{seconds}", delay), "text-warning", true);
    f.timer = setTimeout(function () {
      f.timer = null;
      pump(key);
    }, delay * 1000);
  }

  function sessionExpired(box) {
    sessionAlert.classList.remove("hidden");
    setState(box, TEXT.session, "text-danger");
  }

  // "Gem igen": every field with unsaved text is tried again at once
  function retryAll() {
    sessionAlert.classList.add("hidden");
    var again = function () {
      Object.keys(fields).forEach(function (key) {
        var f = fields[key];
        if (f.timer) {
          clearTimeout(f.timer);
          f.timer = null;
        }
        f.attempts = 0;
        pump(key);
      });
    };
    refreshCsrf().then(again, function (error) {
      if (error.message === "session") {
        sessionAlert.classList.remove("hidden");
      } else {
        again(); // the network may be back for saves even if the token could not be renewed
      }
    });
  }

  function showConflict(box, data) {
    var key = box.dataset.key;
    var f = field(key);
    f.conflict = true;
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
      f.conflict = false;
      f.unsaved = { value: readValue(box), requestId: newRequestId() };
      pump(key);
    });
    var useTheirs = document.createElement("button");
    useTheirs.type = "button";
    useTheirs.className = "btn btn-sm btn-default use-theirs";
    useTheirs.textContent = TEXT.theirs;
    useTheirs.addEventListener("click", function () {
      box.dataset.version = data.version;
      writeValue(box, data.value);
      clearTimeout(f.typing);
      f.typing = null;
      f.unsaved = null;
      f.conflict = false;
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

  function typed(key) {
    var f = field(key);
    clearTimeout(f.typing);
    f.typing = null;
    queue(key);
  }

  document.querySelectorAll(".question[data-key]").forEach(function (box) {
    var key = box.dataset.key;
    box.querySelectorAll("input[type=radio]").forEach(function (radio) {
      radio.addEventListener("change", function () { queue(key); });
    });
    var area = box.querySelector("textarea");
    if (area) {
      area.addEventListener("input", function () {
        var f = field(key);
        clearTimeout(f.typing);
        f.typing = setTimeout(function () { typed(key); }, TYPING_PAUSE);
      });
      area.addEventListener("blur", function () {
        if (field(key).typing) {
          typed(key);
        }
      });
    }
  });

  document.getElementById("retry-all").addEventListener("click", retryAll);

  // refresh the CSRF token every 30 minutes, so a page left open for hours still saves
  setInterval(function () { refreshCsrf().catch(function () {}); }, 30 * 60 * 1000);

  // leaving with unsaved or unacknowledged text asks first (and starts saving what waits)
  window.addEventListener("beforeunload", function (event) {
    var unsaved = false;
    Object.keys(fields).forEach(function (key) {
      var f = fields[key];
      if (f.typing) {
        typed(key);
      }
      if (f.unsaved || f.current) {
        unsaved = true;
      }
    });
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
