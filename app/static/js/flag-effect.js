// LBF's benchmark and threshold forms: while a value is being changed, the page asks the
// server what the change would do (how many forms of packages not yet submitted would change
// their yellow or red mark) and says so under the form, before anything is saved.
(function () {
  var box = document.getElementById("flag-effect");
  if (!box) return;
  var form = box.parentElement.querySelector("form") || document.querySelector("form");
  var text = document.getElementById("flag-effect-text");
  var editedId = (window.location.pathname.match(/\/edit\/(\d+)/) || [])[1] || "";
  var timer = null;
  var asked = 0;
  function ask() {
    var params = new URLSearchParams(new FormData(form));
    params.delete("csrf_token");
    if (editedId) params.set("id", editedId);
    var number = ++asked;
    fetch(box.dataset.effectUrl + "?" + params.toString(), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (effect) {
        if (number !== asked || !effect) return;  // a later question has been asked
        text.textContent = effect.text;
        box.hidden = false;
      })
      .catch(function () {});
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(ask, 300);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  // select2 changes its hidden select without an input event
  if (window.jQuery) window.jQuery(form).on("change", "select", later);
  ask();
})();
