/* The form page's accessible parts around autosave (autosave.js is left as it is):
 * - the step indicator's status text follows the status class autosave.js sets on each step;
 * - a field autosave.js clears of "missing" loses its aria-invalid and error reference, and
 *   leaves the error summary (which disappears when empty);
 * - the error summary takes focus on arrival (DKFDS), and its links move focus to the field;
 * - a help button opens and closes its help text and tells so by aria-expanded;
 * - a text field's counter follows what is typed and says when the text is over its limit
 *   (the field never cuts it: the save is refused with the reason, the text stays);
 * - when the idle timeout has ended the session (session-timeout.js) the page says that
 *   nothing typed since is saved yet; once the user has logged in again and is back, every
 *   unsaved answer is saved ("Gem igen" is pressed for them).
 */
(function () {
  "use strict";

  var statusText = JSON.parse(document.getElementById("section-status-text").textContent);

  document.querySelectorAll(".section-bar a.section-icon").forEach(function (link) {
    new MutationObserver(function () {
      var match = /section-(not_started|in_progress|done)/.exec(link.className);
      var text = link.querySelector(".section-status-text");
      if (match && text) {
        text.textContent = statusText[match[1]];
      }
    }).observe(link, { attributes: true, attributeFilter: ["class"] });
  });

  document.querySelectorAll(".help-toggle[aria-controls]").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = document.getElementById(button.getAttribute("aria-controls"));
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      text.hidden = !open;
    });
  });

  document.querySelectorAll("textarea[data-max-length]").forEach(function (area) {
    var counter = document.getElementById("count-" + area.name);
    if (!counter) return;
    var limit = parseInt(area.dataset.maxLength, 10);
    var used = counter.querySelector(".used");
    var over = counter.querySelector(".over");
    area.addEventListener("input", function () {
      var length = area.value.length;
      used.textContent = length.toLocaleString("da-DK");
      over.hidden = length <= limit;
      counter.classList.toggle("text-danger", length > limit);
    });
  });

  document.addEventListener("session:expired", function () {
    var alert = document.getElementById("session-alert");
    if (alert) { alert.classList.remove("hidden"); }
  });
  document.addEventListener("session:renewed", function () {
    var retry = document.getElementById("retry-all");
    if (retry) { retry.click(); }
  });

  var summary = document.getElementById("error-summary");

  function answered(box) {
    var key = box.dataset.key;
    box.classList.remove("form-error");
    box.querySelectorAll("[aria-invalid]").forEach(function (el) {
      el.removeAttribute("aria-invalid");
    });
    box.querySelectorAll("[aria-describedby]").forEach(function (el) {
      var ids = el.getAttribute("aria-describedby").split(" ").filter(function (id) {
        return id && id !== "error-" + key;
      });
      if (ids.length) {
        el.setAttribute("aria-describedby", ids.join(" "));
      } else {
        el.removeAttribute("aria-describedby");
      }
    });
    if (summary && summary.dataset.here === "true") {
      var item = summary.querySelector("li[data-key='" + key + "']");
      if (item) { item.remove(); }
      if (!summary.querySelector("li")) { summary.remove(); summary = null; }
    }
  }

  document.querySelectorAll(".question.missing").forEach(function (box) {
    var observer = new MutationObserver(function () {
      if (!box.classList.contains("missing")) {
        observer.disconnect();
        answered(box);
      }
    });
    observer.observe(box, { attributes: true, attributeFilter: ["class"] });
  });

  function focusField(id) {
    var field = document.getElementById(id);
    if (!field) { return false; }
    var box = field.closest(".question") || field;
    box.scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
    return true;
  }

  if (summary) {
    summary.querySelectorAll("a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (focusField(link.getAttribute("href").slice(1))) {
          event.preventDefault();
        }
      });
    });
  }
  // arriving from a summary link on another page: the field named in the address has focus
  if (!(window.location.hash && focusField(window.location.hash.slice(1))) && summary) {
    summary.focus();
  }
})();
