// Track rows, on the locker page and in the widget alike: downloads, row refreshes, and the Play
// buttons' track (read from the row). A download button posts with htmx; the
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

  // A download button's answer: run it in the frame, then refresh the row. The request came from
  // a release's download form (_download_forms.html), its track from the button that submitted it
  // (a menu item may be gone by now): the row is track-<release>-<track>.
  function rowOf(detail) {
    var data = detail.requestConfig && detail.requestConfig.formData;
    if (!data || !data.get || !data.get("track") || !data.get("format")) return null;
    return document.getElementById("track-" + data.get("release") + "-" + data.get("track"));
  }
  document.addEventListener("htmx:beforeRequest", function (e) {
    var row = rowOf(e.detail), button = row && row.querySelector("button.download");
    if (button) button.classList.add("is-starting");
  });
  document.addEventListener("htmx:beforeOnLoad", function (e) {
    var xhr = e.detail.xhr, url = xhr.getResponseHeader("HX-Redirect"), row = rowOf(e.detail);
    var button = row && row.querySelector("button.download");
    if (button) button.classList.remove("is-starting");
    if (!url || !row) return;
    e.preventDefault();
    start(url, xhr.getResponseHeader("X-Download-Refused-Url"), row.id, e.detail.requestConfig.formData.get("format"));
    htmx.trigger(row, "locker-downloaded");
  });

  // A row says its track once: its id (track-<release>-<track>), its title and artist. Its Play
  // button gets them from there, as the players read them: data-release, data-track, data-title
  // and data-artist (the track's own artist, else the release's).
  function textOf(el) {
    if (!el) return "";
    return Array.prototype.map.call(el.childNodes, function (node) {
      return node.classList && node.classList.contains("version") ? "" : node.textContent;
    }).join("").trim();
  }
  function labelPlayButtons(root) {
    Array.prototype.forEach.call(root.querySelectorAll("button.play:not([data-track])"), function (button) {
      var row = button.closest("li[id^='track-']"), article = row && row.closest("article");
      if (!row) return;
      var ids = row.id.split("-");
      button.dataset.release = ids[1];
      button.dataset.track = ids[2];
      button.dataset.title = textOf(row.querySelector(".title"));
      button.dataset.artist = textOf(row.querySelector(".track-artist") || (article && article.querySelector(".artist")));
    });
  }
  document.addEventListener("DOMContentLoaded", function () { labelPlayButtons(document); });
  document.addEventListener("htmx:load", function (e) { labelPlayButtons(e.target.parentNode || e.target); });

  window.LockerDownloads = { start: start, refresh: refresh };
})();
