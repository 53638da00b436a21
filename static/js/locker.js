// Locker's small bit of JavaScript: "Download all", focus kept across swaps, boosted navigation and a
// history guard. The player is player.js; downloads and row refreshes are downloads.js (shared with
// the widget); everything else is htmx.
(function () {
  "use strict";
  // Words come from Django's JavaScriptCatalog (/jsi18n/), loaded before this script.
  var gettext = window.gettext || function (msgid) { return msgid; };
  var interpolate = window.interpolate || function (fmt, obj) {
    return fmt.replace(/%\((\w+)\)s/g, function (m, key) { return String(obj[key]); });
  };
  var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };

  function csrfToken() {
    var headers = document.body.getAttribute("hx-headers");
    try { return JSON.parse(headers)["X-CSRFToken"]; } catch (e) { return ""; }
  }

  function post(url, data) {
    var body = new URLSearchParams(data);
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
    });
  }


  // ---- Download all: each downloadable row of the release through the same download view, one
  // by one, in the chosen format where the track offers it, else in the row's own (its Download
  // button's). It ends by saying what happened: "10 downloads started, 2 skipped." ----
  function downloadAll(form) {
    var article = form.closest("article"), format = form.querySelector("select[name=format]").value;
    var status = form.querySelector("[data-download-status]"), start = form.querySelector("button[type=submit]");
    var rows = Array.prototype.slice.call(article.querySelectorAll("li[id^='track-']")).filter(function (row) {
      var button = row.querySelector("button.download");
      return button && !button.disabled;
    });
    var started = 0, skipped = Number(form.dataset.skipped || 0);
    start.disabled = true;
    function finish() {
      var done = interpolate(ngettext("%(count)s download started", "%(count)s downloads started", started), { count: started }, true);
      var left = interpolate(ngettext("%(count)s skipped", "%(count)s skipped", skipped), { count: skipped }, true);
      status.textContent = skipped ? interpolate(gettext("%(started)s, %(skipped)s."), { started: done, skipped: left }, true) : done + ".";
      start.disabled = false;
    }
    function next(i) {
      if (i >= rows.length) { finish(); return; }
      status.textContent = interpolate(gettext("Starting download %(number)s of %(total)s…"), { number: i + 1, total: rows.length }, true);
      // The row's button submits its format's form: form="dl-<release>-<format>", value=the track.
      var row = rows[i], button = row.querySelector("button.download"), own = button.getAttribute("form").split("-")[2];
      var others = button.getAttribute("data-formats"), offered = [own].concat(others ? others.split(" ") : []);
      var fields = { release: form.dataset.release, track: button.value, format: offered.indexOf(format) >= 0 ? format : own };
      post(form.action, fields)
        .then(function (r) {
          var url = r.headers.get("HX-Redirect");
          if (url) { LockerDownloads.start(url, r.headers.get("X-Download-Refused-Url"), row.id, fields.format); started++; } else { skipped++; }
          LockerDownloads.refresh(row.id, 200);
        }, function () { skipped++; })
        .then(function () { setTimeout(function () { next(i + 1); }, Number(form.dataset.gapMs)); });
    }
    next(0);
  }

  document.addEventListener("submit", function (e) {
    var form = e.target.closest("form[data-download-all]");
    if (!form) return;
    e.preventDefault();
    downloadAll(form);
  });
  function revealScriptOnly(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-needs-js]"), function (el) { el.hidden = false; });
  }
  // ---- Back/Forward while a list request is in flight: its answer belongs to a page the customer
  // has left. Applied late, htmx would push its URL over the entry they went back to (dropping the
  // entry ahead) and swap a list into a page that no longer shows it, so the address bar and the
  // list disagree. Abort such GETs; a POST (a download) is left alone, the server already acted. ----
  var pendingGets = [];
  document.addEventListener("htmx:beforeSend", function (e) {
    if (e.detail.requestConfig && e.detail.requestConfig.verb === "get") pendingGets.push(e.detail.xhr);
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    pendingGets = pendingGets.filter(function (xhr) { return xhr !== e.detail.xhr; });
  });
  window.addEventListener("popstate", function () {
    pendingGets.splice(0).forEach(function (xhr) { xhr.abort(); });
  });

  // Times are shown in the customer's time zone: the browser tells it once; the Account page changes it.
  function sendTimeZone() {
    var url = document.body.getAttribute("data-time-zone-url"), zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return; }
    if (url && zone) post(url, { time_zone: zone, source: "browser" });
  }
  // ---- The player (player.js) lives outside <main>, so the site's own (boosted) navigation keeps it playing. ----
  function startPlayer() {
    var root = document.getElementById("player");
    if (!root || !window.LockerPlayer) return;
    LockerPlayer.create(root, {
      stream: function (release, track) { return post(root.dataset.streamUrl, { release: release, track: track }); },
      dialog: document.getElementById("shortcuts"),
      skipLink: document.querySelector("[data-skip-player]"),
    });
  }

  // ---- A row (or card) swapped by htmx takes focus with it: the control that had focus, or its
  // replacement, gets it back, so the next Tab goes on in the row. A control now disabled leaves
  // focus on the row itself. (htmx itself only does this for elements with an id.) ----
  var kept = null;
  function identity(el) {
    if (el.name) return el.tagName.toLowerCase() + '[name="' + CSS.escape(el.name) + '"][value="' + CSS.escape(el.value) + '"]';
    if (el.classList.contains("play")) return "button.play";
    return null;
  }
  document.addEventListener("htmx:beforeSwap", function (e) {
    var target = e.detail.target, active = document.activeElement;
    kept = null;
    if (!target || !target.id || !target.matches("li, article") || !active || active === target || !target.contains(active) || active.id) return;
    var all = Array.prototype.slice.call(target.querySelectorAll(active.tagName));
    kept = { id: target.id, selector: identity(active), tag: active.tagName, index: all.indexOf(active) };
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!kept) return;
    var record = kept, container = document.getElementById(record.id);
    kept = null;
    if (!container || (document.activeElement && document.activeElement !== document.body)) return;
    var match = record.selector ? container.querySelector(record.selector) : container.querySelectorAll(record.tag)[record.index];
    if (match && !match.disabled) { match.focus({ preventScroll: true }); return; }
    container.tabIndex = -1;
    container.focus({ preventScroll: true });
  });

  // ---- Boosted navigation (hx-boost on the site header) swaps <main> only: say which page is
  // current and move focus to its heading, as a page load would put a screen reader there. ----
  function markCurrentPage() {
    document.querySelectorAll(".site-header nav a[href]").forEach(function (a) {
      if (a.pathname === location.pathname) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
  }
  function focusMain() {
    var main = document.getElementById("main");
    if (!main) return;
    var heading = main.querySelector("h1") || main;
    if (heading !== main) heading.tabIndex = -1;
    heading.focus();
  }
  document.addEventListener("htmx:afterSettle", function (e) {
    if (e.detail.boosted && e.detail.target && e.detail.target.id === "main") { markCurrentPage(); focusMain(); }
  });
  // Back and Forward restore <main> too: focus that was in the old one goes to the heading.
  document.addEventListener("htmx:historyRestore", function () {
    markCurrentPage();
    if (!document.activeElement || document.activeElement === document.body) focusMain();
  });

  document.addEventListener("DOMContentLoaded", function () { startPlayer(); revealScriptOnly(document); sendTimeZone(); });
  document.addEventListener("htmx:afterSwap", function (e) { revealScriptOnly(e.target.parentNode || document); });
})();
