// The player of the locker page and of the widget: one script for both (locker.js and widget.js
// each create it with their own way of asking for a stream URL and of telling others about plays).
// Markup it relies on: a root holding an <audio>, buttons [data-player=toggle|prev|next|mute|shortcuts]
// and parts [data-player-part=title|time|duration|seek|volume|error]; rows' Play buttons are
// button.play with data-release, data-track, data-title and data-artist.
(function () {
  "use strict";
  // Words come from Django's JavaScriptCatalog (/jsi18n/), loaded before this script.
  var gettext = window.gettext || function (msgid) { return msgid; };
  var interpolate = window.interpolate || function (fmt, obj) {
    return fmt.replace(/%\((\w+)\)s/g, function (m, key) { return String(obj[key]); });
  };

  function fmt(seconds) {
    if (!isFinite(seconds)) return "0:00";
    var s = Math.floor(seconds % 60), m = Math.floor(seconds / 60);
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  // localStorage can be refused (a third-party iframe with storage blocked): then nothing is kept.
  var store = {
    get: function (key) { try { return window.localStorage.getItem(key); } catch (e) { return null; } },
    set: function (key, value) { try { window.localStorage.setItem(key, String(value)); } catch (e) { /* not kept */ } },
  };

  function trackOf(button) {
    var d = button.dataset;
    return { release: d.release, track: d.track, title: d.title || "", artist: d.artist || "" };
  }
  function same(a, b) { return !!a && !!b && a.track === b.track && a.release === b.release; }
  function playButtons() {
    return Array.prototype.slice.call(document.querySelectorAll("button.play:not(:disabled)"));
  }

  // Shortcuts never fire while typing, in a menu or a slider, or with a modifier held.
  var FIELD = "input, select, textarea, [contenteditable]:not([contenteditable=false])";
  var COMPOSITE = "[role=menu], [role=menubar], [role=listbox], [role=slider], [role=tablist], [role=radiogroup], [role=grid], [role=tree], [role=combobox], [role=spinbutton]";
  var ACTIVATES_ON_SPACE = "a[href], button, summary, label, [role=button], [role=link], [role=checkbox], [role=switch], [role=menuitem], [role=option], [role=tab]";

  function create(root, options) {
    var audio = root.querySelector("audio");
    var current = null, queue = [], pending = false;
    function part(name) { return root.querySelector('[data-player-part="' + name + '"]'); }
    function control(name) { return root.querySelector('[data-player="' + name + '"]'); }
    var seek = part("seek"), volume = part("volume"), mute = control("mute");
    var dialog = options.dialog || null, skipLink = options.skipLink || null;

    function info() {
      return current ? { release: Number(current.release), track: Number(current.track), title: current.title } : {};
    }
    function emit(name, extra) { if (options.onEvent) options.onEvent(name, Object.assign(info(), extra || {})); }
    function playing() { return !!current && !!audio.src && !audio.paused; }

    function show() {
      root.hidden = false;
      if (skipLink) skipLink.hidden = false;
      measure();
    }
    // The bar's height, for scroll-padding: nothing focused hides under a fixed bar.
    function measure() {
      var height = root.hidden ? 0 : Math.ceil(root.getBoundingClientRect().height);
      document.documentElement.style.setProperty("--player-height", height + "px");
    }
    if ("ResizeObserver" in window) new ResizeObserver(measure).observe(root);

    function describe() {
      var title = part("title");
      if (!title || !current) return;
      var track = current.title + (current.artist ? " — " + current.artist : "");
      var words = playing() || pending ? gettext("Now playing: %(track)s") : gettext("Paused: %(track)s");
      title.textContent = interpolate(words, { track: track }, true);
    }

    // Rows' Play buttons are toggle buttons (aria-pressed, a label that stays "Play"); the bar's own
    // button is a plain button whose label says what it does next (Play or Pause).
    function mark() {
      var on = playing();
      document.querySelectorAll("button.play").forEach(function (button) {
        var mine = same(trackOf(button), current);
        button.setAttribute("aria-pressed", mine && on ? "true" : "false");
        var row = button.closest("li");
        if (row) { row.classList.toggle("is-current", mine); row.classList.toggle("is-playing", mine && on); }
      });
      var toggle = control("toggle");
      if (toggle) {
        toggle.classList.toggle("is-playing", on);
        toggle.setAttribute("aria-label", on ? gettext("Pause") : gettext("Play"));
      }
    }

    function fail(message) {
      var error = part("error");
      if (error) error.textContent = message;
      emit("error", { message: message });
    }

    function play(track) {
      if (same(track, current) && (audio.src || pending)) { toggle(); return; }
      // The old track stops now (and says so), not when the new one's URL arrives or fails.
      if (!audio.paused) audio.pause();
      audio.removeAttribute("src");
      current = track;
      pending = true;
      show();
      var error = part("error");
      if (error) error.textContent = "";
      describe();
      mark();
      if ("mediaSession" in navigator && window.MediaMetadata) {
        navigator.mediaSession.metadata = new MediaMetadata({ title: track.title, artist: track.artist });
      }
      options.stream(track.release, track.track)
        .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
        .then(function (res) {
          if (!same(track, current)) return;  // another track was asked for meanwhile
          if (!res.ok) { fail(res.data.error || gettext("This track can't be played.")); return; }
          audio.src = res.data.url;
          return audio.play();
        })
        .catch(function () { if (same(track, current)) fail(gettext("This track could not be played right now.")); })
        .then(function () { if (same(track, current)) { pending = false; describe(); mark(); } });
    }
    function toggle() {
      if (!audio.src || pending) return false;
      if (audio.paused) audio.play(); else audio.pause();
      return true;
    }
    function seekBy(seconds) {
      if (!audio.src) return false;
      var end = isFinite(audio.duration) ? audio.duration : Infinity;
      audio.currentTime = Math.max(0, Math.min(end, audio.currentTime + seconds));
      return true;
    }
    // Next and previous follow the list the track was started from, even after the page changed.
    function step(delta) {
      if (!current) return false;
      var index = queue.findIndex(function (t) { return same(t, current); });
      var next = index >= 0 ? queue[index + delta] : null;
      if (next) play(next);
      else if (delta < 0 && audio.src) audio.currentTime = 0;
      else if (delta > 0) audio.pause();
      return true;
    }

    function setVolume(percent, muted) {
      audio.volume = percent / 100;
      audio.muted = muted;
      if (volume) {
        volume.value = String(percent);
        volume.setAttribute("aria-valuetext", new Intl.NumberFormat(document.documentElement.lang || undefined, { style: "percent" }).format(percent / 100));
      }
      if (mute) mute.setAttribute("aria-pressed", muted ? "true" : "false");
      store.set("locker.volume", percent);
      store.set("locker.muted", muted ? "1" : "0");
    }
    var saved = Number(store.get("locker.volume"));
    setVolume(store.get("locker.volume") !== null && saved >= 0 && saved <= 100 ? saved : 100, store.get("locker.muted") === "1");

    function openShortcuts() {
      if (!dialog || dialog.open) return false;
      var back = document.activeElement;
      dialog.addEventListener("close", function () { if (back && back.isConnected) back.focus(); }, { once: true });
      dialog.showModal();
      return true;
    }

    // ---- wiring ----
    root.addEventListener("click", function (e) {
      var button = e.target.closest("[data-player]");
      if (!button) return;
      var action = button.getAttribute("data-player");
      if (action === "toggle") toggle();
      else if (action === "next") step(1);
      else if (action === "prev") step(-1);
      else if (action === "mute") setVolume(Number(volume ? volume.value : 100), !audio.muted);
      else if (action === "shortcuts") openShortcuts();
    });
    document.addEventListener("click", function (e) {
      var button = e.target.closest("button.play");
      if (!button || button.disabled) return;
      var track = trackOf(button);
      if (!same(track, current)) queue = playButtons().map(trackOf);
      play(track);
    });
    if (seek) seek.addEventListener("input", function () { audio.currentTime = Number(seek.value); });
    if (volume) volume.addEventListener("input", function () { setVolume(Number(volume.value), false); });
    audio.addEventListener("timeupdate", function () {
      var time = part("time");
      if (time) time.textContent = fmt(audio.currentTime);
      if (seek) {
        seek.value = String(Math.floor(audio.currentTime));
        seek.setAttribute("aria-valuetext", interpolate(gettext("%(position)s of %(duration)s"),
          { position: fmt(audio.currentTime), duration: fmt(audio.duration) }, true));
      }
    });
    audio.addEventListener("loadedmetadata", function () {
      if (seek) seek.max = String(Math.floor(audio.duration || 0));
      var duration = part("duration");
      if (duration) duration.textContent = fmt(audio.duration);
    });
    audio.addEventListener("play", function () { describe(); mark(); emit("play"); });
    audio.addEventListener("pause", function () { describe(); mark(); if (!audio.ended) emit("pause"); });
    audio.addEventListener("ended", function () { mark(); emit("ended"); step(1); });
    audio.addEventListener("error", function () { if (current && audio.src) fail(gettext("This track could not be played right now.")); });
    // Rows swapped in by htmx (a refreshed row, another page) show the playing track again.
    document.addEventListener("htmx:afterSettle", mark);
    if ("mediaSession" in navigator) {
      try {
        navigator.mediaSession.setActionHandler("nexttrack", function () { step(1); });
        navigator.mediaSession.setActionHandler("previoustrack", function () { step(-1); });
      } catch (e) { /* not offered by this browser */ }
    }

    document.addEventListener("keydown", function (e) {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
      var target = e.target instanceof Element ? e.target : document.body;
      if (target.closest(FIELD) || target.closest("dialog[open]")) return;
      var key = e.key, done = false;
      if (key === "?") done = openShortcuts();
      else if (e.shiftKey) return;
      else if (key === "k" || key === "K") done = toggle();
      else if (key === " ") done = !target.closest(ACTIVATES_ON_SPACE) && toggle();
      else if (key === "j" || key === "J") done = seekBy(-10);
      else if (key === "l" || key === "L") done = seekBy(10);
      else if (key === "ArrowLeft" || key === "ArrowRight") {
        done = !target.closest(COMPOSITE) && seekBy(key === "ArrowLeft" ? -5 : 5);
      }
      else if (key === "n" || key === "N") done = step(1);
      else if (key === "p" || key === "P") done = step(-1);
      if (done) e.preventDefault();
    });

    mark();
    return { play: play, toggle: toggle, pause: function () { audio.pause(); }, mark: mark, audio: audio };
  }

  window.LockerPlayer = { create: create };
})();
