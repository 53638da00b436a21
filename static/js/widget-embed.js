/*! Locker widget embed script. Include once on a page with Locker widget iframes:
 *    <iframe data-locker-widget title="My music" src="https://LOCKER/widget/locker/?token=..."></iframe>
 *    <script src="https://LOCKER/widget/embed.js" async></script>
 *  It sizes each iframe to its content and re-dispatches the widget's messages as DOM events on the
 *  iframe: locker-widget:ready, :resize, :play, :pause, :ended, :download-started, :error.
 *  Messages are accepted only from the iframe's own window and origin, and sent only to that origin.
 *  window.LockerWidget.pause(iframe) pauses playback; LockerWidget.attach(iframe) adds a late iframe. */
(function () {
  "use strict";
  if (window.LockerWidget) return;
  var SOURCE = "locker-widget", HOST_SOURCE = "locker-widget-host", MAX_HEIGHT = 50000;
  var frames = [];

  function originOf(iframe) {
    try { return new URL(iframe.getAttribute("src"), location.href).origin; } catch (e) { return null; }
  }
  function loaded(iframe) {
    try { var doc = iframe.contentDocument; return !doc || doc.URL !== "about:blank"; } catch (e) { return true; }
  }
  function send(iframe, type, data) {
    var origin = originOf(iframe);
    if (!origin || origin === "null" || !iframe.contentWindow) return;
    var message = { source: HOST_SOURCE, version: 1, type: type };
    for (var key in data || {}) message[key] = data[key];
    iframe.contentWindow.postMessage(message, origin);
  }
  function attach(iframe) {
    if (frames.indexOf(iframe) >= 0) return;
    frames.push(iframe);
    if (!iframe.style.border) iframe.style.border = "0";
    if (!iframe.style.width && !iframe.getAttribute("width")) iframe.style.width = "100%";
    iframe.style.minWidth = iframe.style.minWidth || "280px";
    iframe.addEventListener("load", function () { send(iframe, "hello"); });
    if (loaded(iframe)) send(iframe, "hello");
  }
  function scan() {
    Array.prototype.forEach.call(document.querySelectorAll("iframe[data-locker-widget]"), attach);
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || typeof data !== "object" || data.source !== SOURCE || typeof data.type !== "string") return;
    var iframe = null;
    for (var i = 0; i < frames.length; i++) if (frames[i].contentWindow === event.source) iframe = frames[i];
    if (!iframe || event.origin !== originOf(iframe)) return;
    if (data.type === "ready" || data.type === "resize") {
      var height = Math.ceil(Number(data.height));
      if (height > 0 && height <= MAX_HEIGHT) iframe.style.height = height + "px";
      if (data.scrollIntoView && iframe.getBoundingClientRect().top < 0) iframe.scrollIntoView({ block: "start" });
    }
    iframe.dispatchEvent(new CustomEvent("locker-widget:" + data.type, { bubbles: true, detail: data }));
  });

  window.LockerWidget = {
    attach: attach,
    pause: function (iframe) { send(iframe, "pause"); },
    measure: function (iframe) { send(iframe, "measure"); },
  };
  scan();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
})();
