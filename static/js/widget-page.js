// The partner embed page (/widget/): copy the snippet to the clipboard.
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var button = e.target.closest("button[data-copy]");
    if (!button) return;
    var code = document.getElementById(button.getAttribute("data-copy"));
    var status = document.querySelector("[data-copy-status]");
    function say(text) { if (status) status.textContent = text; }
    if (!navigator.clipboard) { say("Select the snippet and copy it."); return; }
    navigator.clipboard.writeText(code.textContent).then(
      function () { say("Snippet copied."); },
      function () { say("Select the snippet and copy it."); }
    );
  });
})();
