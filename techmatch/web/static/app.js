// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // A need being drafted: show the closest results and the missing information while typing.
  function draftPanel(form) {
    var panel = document.getElementById("draft-panel");
    if (!panel) return;
    var timer = null;
    var sent = 0;
    function refresh() {
      var mine = ++sent;
      fetch(form.dataset.draft, { method: "POST", body: new FormData(form), credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html !== null && mine === sent) panel.innerHTML = html; // only the newest answer
        })
        .catch(function () { /* offline: keep the last panel */ });
    }
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 350);
    });
    form.addEventListener("change", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 100);
    });
    if (form.querySelector("[name=title]").value) refresh();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-draft]");
    if (form) draftPanel(form);
  });
})();
