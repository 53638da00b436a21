// Locker widget (inside the partner's iframe): the postMessage API (the player is player.js). Downloads, row
// refreshes, paging and search are htmx with the locker's own partials (downloads.js runs a download
// in its hidden frame). No cookies: every request carries the widget session id in the
// X-Widget-Session header (htmx through the body's hx-headers).
(function () {
  "use strict";
  // Words come from Django's JavaScriptCatalog (/jsi18n/), loaded before this script.
  var gettext = window.gettext || function (msgid) { return msgid; };

  var config = JSON.parse(document.getElementById("widget-config").textContent);
  var SOURCE = "locker-widget", HOST_SOURCE = "locker-widget-host";

  // ---- The token has been exchanged: keep it out of history, reloads and Referer headers. ----
  (function dropToken() {
    var url = new URL(location.href);
    if (!url.searchParams.has("token") && !url.searchParams.has("preview")) return;
    url.searchParams.delete("token");
    url.searchParams.delete("preview");
    history.replaceState(null, "", url.pathname + url.search + url.hash);
  })();

  // ---- postMessage to the embedding page: only ever to an allowed origin, and only from it. ----
  var parentOrigin = null, embedded = window.parent !== window;
  function allowed(origin) { return config.origins.indexOf(origin) >= 0; }
  if (embedded) {
    var ancestor = location.ancestorOrigins && location.ancestorOrigins[0];
    if (ancestor && allowed(ancestor)) parentOrigin = ancestor;
    else if (document.referrer) {
      try { var ref = new URL(document.referrer).origin; if (allowed(ref)) parentOrigin = ref; } catch (e) { /* none */ }
    }
  }
  var queue = [];
  function send(type, data) {
    var message = Object.assign({ source: SOURCE, version: 1, type: type }, data || {});
    if (!embedded) return;
    if (!parentOrigin) { queue.push(message); return; }  // until the host's "hello" names its origin
    window.parent.postMessage(message, parentOrigin);
  }
  function flush() {
    var pending = queue; queue = [];
    pending.forEach(function (m) { window.parent.postMessage(m, parentOrigin); });
  }
  window.addEventListener("message", function (event) {
    if (!embedded || event.source !== window.parent || !allowed(event.origin)) return;
    var data = event.data;
    if (!data || typeof data !== "object" || data.source !== HOST_SOURCE) return;
    if (!parentOrigin) { parentOrigin = event.origin; flush(); }
    if (event.origin !== parentOrigin) return;
    if (data.type === "hello") send("ready", { height: height() });
    else if (data.type === "measure") send("resize", { height: height() });
    else if (data.type === "pause" && player) player.pause();
  });

  // ---- resize: the content height, whenever it changes ----
  function height() { return Math.ceil(document.body.getBoundingClientRect().height); }
  var lastHeight = 0, pendingResize = false, scrollHint = false;
  function reportHeight() {
    pendingResize = false;
    var h = height();
    if (h === lastHeight && !scrollHint) return;
    lastHeight = h;
    send("resize", scrollHint ? { height: h, scrollIntoView: true } : { height: h });
    scrollHint = false;
  }
  function scheduleResize() {
    if (pendingResize) return;
    pendingResize = true;
    requestAnimationFrame(reportHeight);
  }

  // ---- the player's requests with the widget session (htmx sends it from the body's hx-headers) ----
  function request(url, options) {
    options = options || {};
    // The partner's `lang` (or the browser's language, as the page was rendered) for every answer.
    var headers = Object.assign({ "X-Widget-Session": config.session }, options.headers || {});
    if (config.lang) headers["Accept-Language"] = config.lang;
    return fetch(url, { method: options.method || "GET", body: options.body, headers: headers, credentials: "omit", cache: "no-store" })
      .then(function (response) {
        if (response.status === 401) expired();
        return response;
      });
  }
  function expired() {
    var body = document.getElementById("widget-body");
    if (body && !document.getElementById("w-expired")) {
      var note = document.createElement("div");
      note.id = "w-expired"; note.className = "w-notice w-warning"; note.setAttribute("role", "alert");
      note.textContent = gettext("This music widget has timed out. Reload the page to continue.");
      body.insertBefore(note, body.firstChild);
    }
    send("error", { code: "session-expired", message: gettext("The widget session has expired.") });
  }

  // ---- Player: the locker page's own (player.js); the stream URL is signed by the locker's stream
  // view at the moment of playing, and the partner hears of plays, pauses and ends. ----
  var player = null;
  function startPlayer() {
    var bar = document.getElementById("w-player");
    if (!bar || !window.LockerPlayer) return;
    player = LockerPlayer.create(bar, {
      stream: function (release, track) {
        return request(config.stream, { method: "POST", body: new URLSearchParams({ release: release, track: track }) });
      },
      onEvent: function (name, info) {
        if (name === "error") send("error", { code: "play-failed", message: info.message, release: info.release, track: info.track });
        else send(name, { release: info.release, track: info.track, title: info.title });
      },
    });
  }

  // ---- htmx: tell the partner what happened, keep the player's marks and the height right. ----
  function text(el) { return el.textContent.trim().replace(/\s+/g, " "); }
  document.addEventListener("locker:download-started", function (e) { send("download-started", e.detail); });
  document.addEventListener("htmx:afterSwap", function (e) {
    var swapped = e.detail.elt;
    if (swapped.id === "widget-body") {  // paging or search: the new page's heading takes focus
      scrollHint = true;
      var heading = swapped.querySelector("h2");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus({ preventScroll: true }); }
    }
    // A row answered with why its download didn't start (refused by Locker or by 7digital's media host).
    var row = swapped.closest ? swapped.closest("li[id^='track-']") : null;
    var flash = row && row.querySelector(".track-flash");
    if (flash) {
      var ids = row.id.split("-");
      send("error", { code: "download-refused", message: text(flash), release: Number(ids[1]), track: Number(ids[2]) });
    }
    if (player) player.mark();
  });
  document.addEventListener("htmx:responseError", function (e) {
    if (e.detail.xhr.status === 401) expired();
  });

  document.addEventListener("DOMContentLoaded", function () {
    startPlayer();
    lastHeight = height();
    if ("ResizeObserver" in window) new ResizeObserver(scheduleResize).observe(document.body);
    window.addEventListener("load", scheduleResize);
    send("ready", { height: lastHeight });
    var error = document.querySelector("[data-widget-error]");
    if (error) {
      var said = { code: error.getAttribute("data-widget-error"), message: error.querySelector("p").textContent.trim().replace(/\s+/g, " ") };
      if (error.hasAttribute("data-reason")) said.reason = error.getAttribute("data-reason");
      send("error", said);
    }
  });
})();
