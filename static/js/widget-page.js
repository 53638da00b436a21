// The partner embed page (/widget/): copy the snippet to the clipboard.
(function () {
  "use strict";
  // Words come from Django's JavaScriptCatalog (/jsi18n/), loaded before this script.
  var gettext = window.gettext || function (msgid) { return msgid; };
  document.addEventListener("click", function (e) {
    var button = e.target.closest("button[data-copy]");
    if (!button) return;
    var code = document.getElementById(button.getAttribute("data-copy"));
    var status = document.querySelector("[data-copy-status]");
    function say(text) { if (status) status.textContent = text; }
    if (!navigator.clipboard) { say(gettext("Select the snippet and copy it.")); return; }
    navigator.clipboard.writeText(code.textContent).then(
      function () { say(gettext("Snippet copied.")); },
      function () { say(gettext("Select the snippet and copy it.")); }
    );
  });
})();
