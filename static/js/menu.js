// The format menu beside each row's Download button: the WAI-ARIA Authoring Practices menu button.
//
// Markup (locker/templates/locker/_track.html, _download_button.html, _release.html): a row's
// Download button lists the track's other formats (data-formats="55 33"); once per release a
// <template class="format-items"> has one button per format, for that format's download form
// (form="dl-<release>-<format>", made from the row's own form when the card lacks it). This script
// adds the menu button beside such a Download button and builds its menu only when it opens, so a
// page of 500 rows carries no menus: each item, given the row's track id (name="track"), submits
// like the row's Download button does (htmx posts it). Without JavaScript the release's "Other
// formats" link leads to a page with a button per format. Keys: Enter or Space (a click) and Down
// open on the first item, Up on the last; in the menu Up and Down move (wrapping), Home and End
// jump, Escape closes and returns focus to the button, Tab closes and moves on.
(function () {
  "use strict";
  var current = null; // the open menu: { button, menu }

  // A row whose Download button lists other formats (data-formats) gets its menu button here.
  function upgrade(root) {
    Array.prototype.forEach.call(root.querySelectorAll("button.download[data-formats]:not(:disabled)"), function (main) {
      if (main.nextElementSibling && main.nextElementSibling.matches("button.formats")) return;
      var title = main.closest("li").querySelector(".title");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button formats";
      button.setAttribute("aria-haspopup", "menu");
      button.setAttribute("aria-expanded", "false");
      button.setAttribute("aria-label", interpolate(gettext("Other formats: %(title)s"), { title: title ? title.textContent : "" }, true));
      main.after(button);
    });
  }

  function items(menu) { return Array.prototype.slice.call(menu.querySelectorAll("[role=menuitem]")); }

  function focusItem(menu, which) {
    var all = items(menu);
    if (!all.length) return;
    var index = which === "last" ? all.length - 1 : typeof which === "number" ? (which + all.length) % all.length : 0;
    all.forEach(function (item, i) { item.tabIndex = i === index ? 0 : -1; });
    all[index].focus();
  }

  // A card carries the download forms of its rows' buttons only; a menu's other formats get theirs
  // here, made from the row's (the same CSRF token or widget session, another format).
  function ensureForm(id, like, format) {
    if (document.getElementById(id)) return true;
    if (!like) return false;
    var form = like.cloneNode(true);
    form.id = id;
    form.querySelector("input[name=format]").value = format;
    like.after(form);
    if (window.htmx) htmx.process(form);
    return true;
  }

  function build(button) {
    var row = button.closest("li"), article = button.closest("article");
    var template = article && article.querySelector("template.format-items");
    if (!row || !template) return null;
    var main = row.querySelector("button.download"), track = main && main.value;
    var wanted = ((main && main.getAttribute("data-formats")) || "").split(" ");
    var menu = document.createElement("div");
    menu.className = "format-menu";
    menu.id = row.id + "-formats";
    menu.setAttribute("role", "menu");
    menu.setAttribute("aria-label", button.getAttribute("aria-label") || "");
    Array.prototype.forEach.call(template.content.querySelectorAll("button[form]"), function (item) {
      var formId = item.getAttribute("form"), format = formId.split("-")[2]; // form="dl-<release>-<format>"
      if (wanted.indexOf(format) < 0 || !ensureForm(formId, main && main.form, format)) return;
      var copy = item.cloneNode(true);
      copy.setAttribute("role", "menuitem");
      copy.tabIndex = -1;
      copy.type = "submit";
      copy.name = "track";
      copy.value = track;
      // The row's warning ("your last download of this track") describes every format's download.
      if (main && main.hasAttribute("aria-describedby")) copy.setAttribute("aria-describedby", main.getAttribute("aria-describedby"));
      menu.appendChild(copy);
    });
    return menu.children.length ? menu : null;
  }

  // Below the button, its end edge under the button's; above it when the window (less the player
  // bar) has no room below.
  function place(button, menu) {
    var row = button.offsetParent || button.parentNode;
    var rtl = getComputedStyle(row).direction === "rtl";
    if (rtl) menu.style.left = button.offsetLeft + "px";
    else menu.style.right = row.clientWidth - button.offsetLeft - button.offsetWidth + "px";
    var below = button.offsetTop + button.offsetHeight + 4;
    menu.style.top = below + "px";
    var bar = document.getElementById("player"), bottom = window.innerHeight;
    if (bar && !bar.hidden) bottom -= bar.offsetHeight;
    if (menu.getBoundingClientRect().bottom > bottom && button.getBoundingClientRect().top > menu.offsetHeight + 8) {
      menu.style.top = button.offsetTop - menu.offsetHeight - 4 + "px";
    }
  }

  function open(button, which) {
    if (current && current.button === button) { focusItem(current.menu, which); return; }
    close(false);
    var menu = build(button);
    if (!menu) return;
    button.after(menu);
    if (window.htmx) htmx.process(menu); // its submit buttons belong to forms elsewhere (form=)
    button.setAttribute("aria-expanded", "true");
    button.setAttribute("aria-controls", menu.id);
    current = { button: button, menu: menu };
    place(button, menu);
    focusItem(menu, which);
  }

  function close(returnFocus) {
    if (!current) return;
    var was = current;
    current = null;
    was.button.setAttribute("aria-expanded", "false");
    was.button.removeAttribute("aria-controls");
    if (returnFocus && was.button.isConnected) was.button.focus();
    was.menu.remove();
  }

  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("button.formats");
    if (button) {
      if (current && current.button === button) close(true);
      else open(button, "first");
      return;
    }
    var item = e.target.closest && e.target.closest(".format-menu [role=menuitem]");
    if (item) {
      // The click submits the form (htmx posts it, with this item's format); then the menu goes.
      setTimeout(function () { close(true); }, 0);
      return;
    }
    if (current && !current.menu.contains(e.target)) close(false);
  });

  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var button = e.target.closest && e.target.closest("button.formats");
    if (button) { // Enter and Space click it
      if (e.key === "ArrowDown") { e.preventDefault(); open(button, "first"); }
      else if (e.key === "ArrowUp") { e.preventDefault(); open(button, "last"); }
      else if (e.key === "Escape" && current && current.button === button) { e.preventDefault(); close(true); }
      return;
    }
    if (!current || !current.menu.contains(e.target)) return;
    var all = items(current.menu), index = all.indexOf(e.target);
    if (e.key === "ArrowDown") { e.preventDefault(); focusItem(current.menu, index + 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); focusItem(current.menu, index - 1); }
    else if (e.key === "Home") { e.preventDefault(); focusItem(current.menu, 0); }
    else if (e.key === "End") { e.preventDefault(); focusItem(current.menu, "last"); }
    else if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); close(true); }
    else if (e.key === "Tab") { current.button.focus(); close(false); } // Tab goes on from the button
  });

  // Focus leaving the menu and its button (a click elsewhere, the window losing focus) closes it.
  document.addEventListener("focusout", function (e) {
    if (!current || !current.menu.contains(e.target)) return;
    setTimeout(function () {
      if (current && !current.menu.contains(document.activeElement) && document.activeElement !== current.button) close(false);
    }, 0);
  });

  document.addEventListener("DOMContentLoaded", function () { upgrade(document); });
  document.addEventListener("htmx:load", function (e) {
    if (current && !current.button.isConnected) current = null; // its row was swapped
    upgrade(e.target.parentNode || e.target);
  });
})();
