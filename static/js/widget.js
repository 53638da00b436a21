// Locker widget (inside the partner's iframe): player, downloads, paging, and the postMessage API.
// No cookies: every request carries the widget session id in the X-Widget-Session header.
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
    else if (data.type === "pause" && player.audio) player.audio.pause();
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

  // ---- requests with the widget session ----
  function request(url, options) {
    options = options || {};
    // The partner's `lang` (or the browser's language, as the page was rendered) for every answer.
    var headers = Object.assign({ "X-Widget-Session": config.session, "HX-Request": "true" }, options.headers || {});
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
  function alertText(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var alert = doc.querySelector("[role=alert]");
    return alert ? alert.textContent.trim().replace(/\s+/g, " ") : "";
  }

  function fmt(seconds) {
    if (!isFinite(seconds)) return "0:00";
    var s = Math.floor(seconds % 60), m = Math.floor(seconds / 60);
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  // ---- Player: the stream URL is signed by the locker's own stream view at the moment of playing. ----
  var player = {
    bar: document.getElementById("w-player"),
    audio: document.getElementById("w-audio"),
    current: null,
    init: function () {
      if (!this.audio) return;
      var self = this, seek = document.getElementById("w-seek");
      this.bar.querySelector("[data-player=toggle]").addEventListener("click", function () { self.toggle(); });
      this.audio.addEventListener("timeupdate", function () {
        document.getElementById("w-time").textContent = fmt(self.audio.currentTime);
        seek.value = Math.floor(self.audio.currentTime);
      });
      this.audio.addEventListener("loadedmetadata", function () {
        seek.max = Math.floor(self.audio.duration || 0);
        document.getElementById("w-duration").textContent = fmt(self.audio.duration);
      });
      seek.addEventListener("input", function () { self.audio.currentTime = Number(seek.value); });
      this.audio.addEventListener("play", function () { self.mark(true); send("play", self.info()); });
      this.audio.addEventListener("pause", function () { self.mark(false); if (!self.audio.ended) send("pause", self.info()); });
      this.audio.addEventListener("ended", function () { self.mark(false); send("ended", self.info()); self.step(1); });
      this.audio.addEventListener("error", function () { if (self.current) self.fail(gettext("This track could not be played right now.")); });
    },
    info: function () {
      return this.current ? { release: Number(this.current.release), track: Number(this.current.track), title: this.current.title } : {};
    },
    buttons: function () {
      return Array.prototype.slice.call(document.querySelectorAll("button[data-play]:not(:disabled)"));
    },
    mark: function (playing) {
      var toggle = this.bar.querySelector("[data-player=toggle]"), current = this.current;
      toggle.textContent = playing ? "⏸" : "▶";
      toggle.setAttribute("aria-label", playing ? gettext("Pause") : gettext("Play"));
      document.querySelectorAll("button[data-play]").forEach(function (b) {
        var on = playing && current && b.dataset.track === current.track && b.dataset.release === current.release;
        b.classList.toggle("is-playing", !!on);
        b.firstChild.textContent = on ? gettext("Pause") : gettext("Play");
      });
    },
    fail: function (message) {
      document.getElementById("w-player-error").textContent = message;
      send("error", { code: "play-failed", message: message, release: this.info().release, track: this.info().track });
    },
    play: function (button) {
      var self = this, data = button.dataset;
      if (this.current && this.current.track === data.track && this.current.release === data.release && this.audio.src) {
        this.toggle();
        return;
      }
      this.current = { release: data.release, track: data.track, title: data.title };
      this.bar.hidden = false;
      document.getElementById("w-player-error").textContent = "";
      document.getElementById("w-now-title").textContent = data.title + (data.artist ? " · " + data.artist : "");
      request(config.stream, { method: "POST", body: new URLSearchParams({ release: data.release, track: data.track }) })
        .then(function (r) { return r.json().then(function (json) { return { ok: r.ok, json: json }; }); })
        .then(function (res) {
          if (!res.ok) { self.fail(res.json.error || gettext("This track can't be played.")); return; }
          self.audio.src = res.json.url;
          return self.audio.play();
        })
        .catch(function () { self.fail(gettext("This track could not be played right now.")); });
    },
    toggle: function () {
      if (!this.audio.src) return;
      if (this.audio.paused) this.audio.play(); else this.audio.pause();
    },
    step: function (delta) {
      if (!this.current) return;
      var self = this, buttons = this.buttons();
      var index = buttons.findIndex(function (b) { return b.dataset.track === self.current.track && b.dataset.release === self.current.release; });
      var next = index >= 0 ? buttons[index + delta] : null;
      if (next) this.play(next);
    },
  };

  // ---- Downloads: the locker's own download view answers HX-Redirect to the signed media URL. ----
  // The file is fetched in a hidden frame: a file never loads a document there, while a refusal
  // from the media host (7digital's XML error) does, instead of replacing the widget.
  function fetchInFrame(url, onRefused) {
    var frame = document.createElement("iframe");
    frame.hidden = true;
    frame.setAttribute("aria-hidden", "true");
    frame.tabIndex = -1;
    frame.addEventListener("load", function () { frame.remove(); onRefused(); }, { once: true });
    frame.src = url;
    document.body.appendChild(frame);
  }
  function download(form, submitter) {
    var body = new URLSearchParams(new FormData(form, submitter));
    body.delete("widget_session");  // sent as a header instead
    var row = form.closest(".w-track"), flash = row && row.querySelector("[data-row-flash]");
    if (flash) flash.textContent = "";
    if (submitter) submitter.classList.add("is-busy");
    request(config.download, { method: "POST", body: body })
      .then(function (r) {
        var url = r.headers.get("HX-Redirect");
        if (url) {
          send("download-started", { release: Number(body.get("release")), track: Number(body.get("track")), format: Number(body.get("format")) });
          fetchInFrame(url, function () {  // the media host refused: say so, show the fresh row
            var refused = r.headers.get("X-Download-Refused-Url");
            if (!refused) return;
            request(refused, { method: "POST" }).then(function (answer) {
              return answer.status === 200 ? answer.json() : {};
            }).then(function (json) {
              var message = json.error || "";
              if (message) send("error", { code: "download-refused", message: message, release: Number(body.get("release")), track: Number(body.get("track")) });
              return refreshRow(document.getElementById(row.id) || row, message);
            });
          });
          setTimeout(function () { refreshRow(document.getElementById(row.id) || row); }, 1500);
          return;
        }
        if (r.status === 401) return;
        return r.text().then(function (html) {
          var message = alertText(html) || gettext("That download could not be started. Please try again.");
          send("error", { code: "download-refused", message: message, release: Number(body.get("release")), track: Number(body.get("track")) });
          return refreshRow(row, message);
        });
      })
      .catch(function () { if (flash) flash.textContent = gettext("That download could not be started. Please try again."); })
      .then(function () { if (submitter) submitter.classList.remove("is-busy"); });
  }

  function refreshRow(row, message) {
    if (!row) return Promise.resolve();
    var url = config.track.replace("/0/0/", "/" + row.dataset.release + "/" + row.dataset.track + "/") +
      "?layout=" + encodeURIComponent(config.layout);
    return request(url).then(function (r) {
      if (!r.ok) return null;
      return r.text();
    }).then(function (html) {
      var target = document.getElementById(row.id) || row;
      if (html) {
        var holder = document.createElement("template");
        holder.innerHTML = html.trim();
        var fresh = holder.content.firstElementChild;
        if (fresh) { target.replaceWith(fresh); target = fresh; }
      }
      if (message) {
        var flash = target.querySelector("[data-row-flash]");
        if (flash) flash.textContent = message;
      }
      player.mark(player.audio && !player.audio.paused);
    }).catch(function () { /* keep the old row */ });
  }

  // ---- Paging: fetch the next page's body with the session header and swap it in. ----
  function goTo(href) {
    request(href).then(function (r) { return r.ok ? r.text() : null; }).then(function (html) {
      if (!html) return;
      var holder = document.createElement("template");
      holder.innerHTML = html.trim();
      var fresh = holder.content.getElementById("widget-body");
      var body = document.getElementById("widget-body");
      if (fresh && body) {
        body.replaceWith(fresh);
        scrollHint = true;
        player.mark(player.audio && !player.audio.paused);
        var heading = fresh.querySelector("h2");
        if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus({ preventScroll: true }); }
      }
    });
  }

  document.addEventListener("click", function (e) {
    var play = e.target.closest("button[data-play]");
    if (play && !play.disabled) { player.play(play); return; }
    var page = e.target.closest("a[data-widget-page]");
    if (page) { e.preventDefault(); goTo(page.getAttribute("href")); }
  });
  // ---- Search (full layout): as you type, debounced; the form stays, only the body swaps. ----
  var searchTimer = null;
  function search(form) {
    clearTimeout(searchTimer);
    goTo("?" + new URLSearchParams(new FormData(form)).toString());
  }
  document.addEventListener("input", function (e) {
    var form = e.target.closest("form.w-search");
    if (!form) return;
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () { search(form); }, 300);
  });
  document.addEventListener("submit", function (e) {
    var searchForm = e.target.closest("form.w-search");
    if (searchForm) { e.preventDefault(); search(searchForm); return; }
    var form = e.target.closest("form.w-download");
    if (!form || !config.session) return;
    e.preventDefault();
    download(form, e.submitter);
  });

  document.addEventListener("DOMContentLoaded", function () {
    player.init();
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
