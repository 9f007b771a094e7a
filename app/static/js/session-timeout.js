/* The session's idle timeout in the page (the server ends the session: app/session_idle.py).
 *
 * - the page knows how long the session has left when it loads; the warning's time is checked
 *   with the server first (/session/status, which is no activity itself), since saves and
 *   other windows of the same session may have kept it alive meanwhile;
 * - the warning is an alert dialog: it takes focus, keeps Tab inside, counts down, and
 *   "Forbliv logget ind" (or Escape) asks the server to keep the session (/session/keep-alive);
 * - when the time has run out the dialog says so; nothing in the page is touched, so typed
 *   answers stay. Autosave (form-page.js) shows its "not saved" state, and when the user has
 *   logged in again (in another window) and comes back, the page notices and saves them.
 */
(function () {
  "use strict";

  var box = document.getElementById("session-timeout");
  if (!box || !window.fetch) {
    return;
  }
  var statusUrl = box.dataset.statusUrl;
  var keepAliveUrl = box.dataset.keepAliveUrl;
  var warning = parseFloat(box.dataset.warning) || 120;
  var token = box.dataset.token;
  var warningDialog = box.querySelector(".session-warning");
  var expiredDialog = box.querySelector(".session-expired");
  var left = box.querySelector(".session-timeout-left");
  var editing = document.querySelector("#form-page[data-editable=true]") !== null;
  var timer = null;
  var ticker = null;
  var deadline = 0;
  var expired = false;
  var returnFocus = null;

  var login = document.getElementById("session-login");
  if (editing) {
    // the typed text stays in this page: log in beside it
    login.target = "_blank";
    login.rel = "noopener";
    box.querySelector(".session-expired-form").hidden = false;
  } else {
    login.href += (login.href.indexOf("?") < 0 ? "?" : "&") + "next=" +
      encodeURIComponent(window.location.pathname + window.location.search);
  }

  function status() {
    return fetch(statusUrl, {
      credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" }
    }).then(function (response) { return response.json(); });
  }

  function stop() {
    clearTimeout(timer);
    clearInterval(ticker);
    timer = null;
    ticker = null;
  }

  // the session has `remaining` seconds: look again when the warning is due
  function schedule(remaining) {
    stop();
    timer = setTimeout(check, Math.max(0, remaining - warning) * 1000);
  }

  function check() {
    status().then(function (state) {
      if (!state.authenticated) {
        showExpired();
        return;
      }
      token = state.token || token;
      if (state.remaining > warning + 1) {
        hide();
        schedule(state.remaining);
      } else if (state.remaining < 1) {
        timer = setTimeout(check, 1000); // a moment before the end: look again
      } else {
        showWarning(state.remaining);
      }
    }, function () {
      timer = setTimeout(check, 5000); // no answer: the network may be back in a moment
    });
  }

  function open(dialog) {
    if (box.hidden) {
      returnFocus = document.activeElement;
    }
    warningDialog.hidden = dialog !== warningDialog;
    expiredDialog.hidden = dialog !== expiredDialog;
    box.hidden = false;
    document.body.classList.add("session-timeout-open");
    var first = dialog === warningDialog ? document.getElementById("session-stay")
      : dialog.querySelector("h2");
    first.focus();
  }

  function hide() {
    if (box.hidden) {
      return;
    }
    box.hidden = true;
    warningDialog.hidden = true;
    expiredDialog.hidden = true;
    document.body.classList.remove("session-timeout-open");
    if (returnFocus && document.body.contains(returnFocus)) {
      returnFocus.focus();
    }
    returnFocus = null;
  }

  function showWarning(remaining) {
    stop();
    deadline = Date.now() + remaining * 1000;
    if (warningDialog.hidden || box.hidden) {
      open(warningDialog);
    }
    tick();
    ticker = setInterval(tick, 1000);
  }

  function tick() {
    var seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    left.textContent = Math.floor(seconds / 60) + ":" + ("0" + (seconds % 60)).slice(-2);
    if (seconds <= 0) {
      stop();
      check(); // ended, or kept alive in another window meanwhile
    }
  }

  function showExpired() {
    stop();
    if (!expired) {
      expired = true;
      open(expiredDialog);
      document.dispatchEvent(new CustomEvent("session:expired"));
    }
  }

  function stay() {
    fetch(keepAliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token }
    }).then(function (response) {
      if (response.status === 401) {
        showExpired();
        return null;
      }
      if (!response.ok) {
        return status().then(function (state) { // an old token: take the session's and retry
          if (!state.authenticated) {
            showExpired();
            return null;
          }
          token = state.token;
          return fetch(keepAliveUrl, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Accept": "application/json", "X-CSRFToken": token }
          }).then(function (again) { return again.ok ? again.json() : null; });
        });
      }
      return response.json();
    }).then(function (state) {
      if (state && state.authenticated) {
        hide();
        schedule(state.remaining);
      }
    }, function () {
      check();
    });
  }

  // back in this window after logging in again in another: the session is there again
  function renewed() {
    if (!expired) {
      return;
    }
    status().then(function (state) {
      if (!state.authenticated) {
        return;
      }
      expired = false;
      token = state.token || token;
      hide();
      schedule(state.remaining);
      document.dispatchEvent(new CustomEvent("session:renewed"));
    }, function () {});
  }

  document.getElementById("session-stay").addEventListener("click", stay);
  document.getElementById("session-close").addEventListener("click", hide);
  window.addEventListener("focus", renewed);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      renewed();
    }
  });

  // the dialog keeps the keyboard: Tab cycles inside it, Escape stays logged in or closes
  box.addEventListener("keydown", function (event) {
    var dialog = warningDialog.hidden ? expiredDialog : warningDialog;
    if (event.key === "Escape") {
      event.preventDefault();
      if (dialog === warningDialog) {
        stay();
      } else {
        hide();
      }
      return;
    }
    if (event.key !== "Tab") {
      return;
    }
    var focusable = dialog.querySelectorAll("a[href], button:not([disabled])");
    var first = focusable[0];
    var last = focusable[focusable.length - 1];
    if (event.shiftKey && (document.activeElement === first ||
        document.activeElement === dialog.querySelector("h2"))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });

  schedule(parseFloat(box.dataset.remaining) || 0);
})();
