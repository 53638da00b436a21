// Locker's small bit of JavaScript: the player bar, "Download all" and a history guard. Downloads and
// the rows' Play buttons are downloads.js (shared with the widget); everything else is htmx.
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

  function fmt(seconds) {
    if (!isFinite(seconds)) return "0:00";
    var s = Math.floor(seconds % 60), m = Math.floor(seconds / 60);
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  // ---- Player: signs the stream URL only at the moment of playing; survives htmx swaps. ----
  var player = {
    el: null, audio: null, current: null,
    init: function () {
      this.el = document.getElementById("player");
      if (!this.el) return;
      this.audio = document.getElementById("player-audio");
      var self = this, seek = document.getElementById("player-seek");
      this.el.addEventListener("click", function (e) {
        var btn = e.target.closest("[data-player]");
        if (!btn) return;
        var action = btn.getAttribute("data-player");
        if (action === "toggle") self.toggle();
        if (action === "next") self.step(1);
        if (action === "prev") self.step(-1);
      });
      this.audio.addEventListener("timeupdate", function () {
        document.getElementById("player-time").textContent = fmt(self.audio.currentTime);
        seek.value = Math.floor(self.audio.currentTime);
      });
      this.audio.addEventListener("loadedmetadata", function () {
        seek.max = Math.floor(self.audio.duration || 0);
        document.getElementById("player-duration").textContent = fmt(self.audio.duration);
      });
      this.audio.addEventListener("play", function () { self.setToggle(true); self.emit("play"); });
      this.audio.addEventListener("pause", function () { self.setToggle(false); self.emit("pause"); });
      this.audio.addEventListener("ended", function () { self.emit("ended"); self.step(1); });
      this.audio.addEventListener("error", function () { self.error(gettext("This track could not be played right now.")); });
      seek.addEventListener("input", function () { self.audio.currentTime = Number(seek.value); });
    },
    setToggle: function (playing) {
      var t = this.el.querySelector('[data-player="toggle"]');
      t.classList.toggle("is-playing", playing);
      t.setAttribute("aria-label", playing ? gettext("Pause") : gettext("Play"));
    },
    error: function (message) {
      document.getElementById("player-error").textContent = message;
      window.dispatchEvent(new CustomEvent("locker:player-error", { detail: { message: message } }));
    },
    emit: function (name) {
      var detail = this.current ? { track: this.current.track, release: this.current.release } : {};
      window.dispatchEvent(new CustomEvent("locker:" + name, { detail: detail }));
    },
    play: function (button) {
      var self = this;
      this.el.hidden = false;
      document.getElementById("player-error").textContent = "";
      this.current = { track: button.dataset.track, release: button.dataset.release };
      document.getElementById("player-title").textContent =
        button.dataset.title + (button.dataset.artist ? " · " + button.dataset.artist : "");
      post(this.el.dataset.streamUrl, { release: button.dataset.release, track: button.dataset.track })
        .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
        .then(function (res) {
          if (!res.ok) { self.error(res.data.error || gettext("This track can't be played.")); return; }
          self.audio.src = res.data.url;
          return self.audio.play();
        })
        .catch(function () { self.error(gettext("This track could not be played right now.")); });
    },
    toggle: function () {
      if (!this.audio.src) return;
      if (this.audio.paused) this.audio.play(); else this.audio.pause();
    },
    step: function (delta) {
      if (!this.current) return;
      var buttons = Array.prototype.slice.call(document.querySelectorAll("button[data-play]:not(:disabled)"));
      var self = this, index = buttons.findIndex(function (b) {
        return b.dataset.track === self.current.track && b.dataset.release === self.current.release;
      });
      var next = buttons[index + delta];
      if (next) this.play(next); else if (delta > 0) this.audio.pause();
    },
  };

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
      var menu = row.querySelector("a.formats"), offered = [own].concat(menu ? menu.getAttribute("data-formats").split(" ") : []);
      var fields = { release: form.dataset.release, track: button.value, format: offered.indexOf(format) >= 0 ? format : own };
      post(form.action, fields)
        .then(function (r) {
          var url = r.headers.get("HX-Redirect");
          if (url) { LockerDownloads.start(url, r.headers.get("X-Download-Refused-Url"), row.id, fields.format); started++; } else { skipped++; }
          LockerDownloads.refresh(row.id, 200);
        }, function () { skipped++; })
        .then(function () { setTimeout(function () { next(i + 1); }, 1500); });
    }
    next(0);
  }

  document.addEventListener("click", function (e) {
    var btn = e.target.closest("button[data-play]");
    if (btn && !btn.disabled) player.play(btn);
  });
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
  document.addEventListener("DOMContentLoaded", function () { player.init(); revealScriptOnly(document); sendTimeZone(); });
  document.addEventListener("htmx:afterSwap", function (e) { revealScriptOnly(e.target.parentNode || document); });
})();
