// Downloads, on the locker page and in the widget alike. A download button posts with htmx; the
// answer is HX-Redirect to the signed media URL, run in a hidden frame instead of sending the whole
// page there. A file never loads a document in the frame (it becomes a download and the page
// stays); a refusal from the media host (7digital's XML error) does load, in the frame: the download
// view's refusal URL then records it and answers the row's fresh state with what happened. Requests
// go through htmx, so they carry the page's own hx-headers (the CSRF token on the page, the
// session id in the widget).
(function () {
  "use strict";
  var gettext = window.gettext || function (msgid) { return msgid; };

  function showFlash(message) {
    var flash = document.getElementById("flash");
    if (!flash) return;
    var p = document.createElement("p");
    p.className = "notice notice-warning";
    p.setAttribute("role", "alert");
    p.textContent = message;
    flash.replaceChildren(p);
  }

  // Start one download in a hidden frame; rowId names the track row that shows its state.
  function start(url, refusedUrl, rowId, format) {
    var frame = document.createElement("iframe");
    frame.hidden = true;
    frame.setAttribute("aria-hidden", "true");
    frame.tabIndex = -1;
    frame.addEventListener("load", function () {
      frame.remove();
      if (!refusedUrl) return;
      var row = document.getElementById(rowId);
      if (row) htmx.ajax("POST", refusedUrl, { source: row, target: row, swap: "outerHTML" });
      else {
        htmx.ajax("POST", refusedUrl, { source: document.body, swap: "none" });
        showFlash(gettext("7digital's download server refused that download, so it didn't start."));
      }
    }, { once: true });
    frame.src = url;
    document.body.appendChild(frame);
    var parts = rowId.split("-");  // track-<release>-<track>
    document.dispatchEvent(new CustomEvent("locker:download-started", {
      detail: { release: Number(parts[1]), track: Number(parts[2]), format: Number(format) || null },
    }));
  }

  // After a download the row is read again (its state, "Download started"), once 7digital has had
  // a moment to count it. The list says where a row comes from: data-track-url, with /0/0/
  // standing for the release and track ids of the row's id (track-<release>-<track>).
  function refresh(rowId, delay) {
    setTimeout(function () {
      var row = document.getElementById(rowId), list = row && row.closest("[data-track-url]");
      if (!list) return;
      var ids = rowId.split("-");
      htmx.ajax("GET", list.getAttribute("data-track-url").replace("/0/0/", "/" + ids[1] + "/" + ids[2] + "/"),
        { source: row, target: row, swap: "outerHTML" });
    }, delay);
  }
  document.addEventListener("locker-downloaded", function (e) {
    var row = e.target.closest && e.target.closest("li[id^='track-']");
    if (row) refresh(row.id, 1500);
  });

  // A download button's answer: run it in the frame, then refresh the row.
  document.addEventListener("htmx:beforeOnLoad", function (e) {
    var xhr = e.detail.xhr, url = xhr.getResponseHeader("HX-Redirect");
    var row = e.detail.elt.closest && e.detail.elt.closest("li[id^='track-']");
    if (!url || !row) return;
    e.preventDefault();
    var form = e.detail.requestConfig && e.detail.requestConfig.formData;
    start(url, xhr.getResponseHeader("X-Download-Refused-Url"), row.id, form && form.get("format"));
    htmx.trigger(row, "locker-downloaded");
  });

  window.LockerDownloads = { start: start, refresh: refresh };
})();
