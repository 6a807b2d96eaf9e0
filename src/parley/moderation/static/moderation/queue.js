// Keyboard moderation for the queue page: j/k move, a approve, r reject (1-4 reason, Enter),
// f feature, b ban, u undo, x select, o open, ? help. Actions are the item's own htmx buttons,
// so the keyboard and the mouse go through exactly the same requests.
(function () {
  "use strict";
  var list = document.getElementById("queue-items");
  if (!list) { return; }
  var currentId = null;

  function items() { return Array.prototype.slice.call(list.querySelectorAll(".item")); }
  function current() {
    var all = items();
    if (currentId !== null) {
      var el = document.getElementById("item-" + currentId);
      if (el) { return el; }
    }
    return all.length ? all[0] : null;
  }
  function select(el) {
    items().forEach(function (i) { i.classList.remove("current"); });
    if (!el) { currentId = null; return; }
    currentId = el.dataset.id;
    el.classList.add("current");
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "nearest" });
  }
  function move(step) {
    var all = items();
    if (!all.length) { return; }
    var idx = all.indexOf(current());
    var next = all[Math.min(Math.max(idx + step, 0), all.length - 1)];
    select(next);
  }
  function nextUndecided(from) {
    var all = items();
    var idx = all.indexOf(from);
    for (var i = idx + 1; i < all.length; i++) {
      if (!all[i].classList.contains("decided")) { return all[i]; }
    }
    return null;
  }
  function maxShownId() {
    var top = 0;
    items().forEach(function (i) { top = Math.max(top, parseInt(i.dataset.id, 10) || 0); });
    return top;
  }
  // The next page of Pending (oldest first), appended when the moderator reaches the end.
  function loadMore() {
    var poller = document.getElementById("poller");
    if (!poller || !window.htmx) { return Promise.resolve(); }
    return htmx.ajax("GET", poller.dataset.url,
      { source: list, swap: "none", values: { after: maxShownId() } });
  }
  // htmx wires up freshly swapped-in content when it settles (~20 ms later); a key pressed in
  // between would click a button htmx does not listen to yet, so wait for the settle.
  function settling(el) {
    return el.classList.contains("htmx-added") || el.classList.contains("htmx-settling") ||
      !el.isConnected;
  }
  function press(el, action, tries) {
    tries = tries || 0;
    if (el && settling(el) && tries < 40) {
      setTimeout(function () { press(current(), action, tries + 1); }, 25);
      return;
    }
    var button = el && el.querySelector('[data-action="' + action + '"]');
    if (button) { button.click(); }
  }
  function toast(text) {
    var box = document.getElementById("toast");
    if (!box) { return; }
    box.textContent = text;
    box.classList.add("shown");
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { box.classList.remove("shown"); }, 4000);
  }
  function openReject(el) {
    var form = el.querySelector(".reject-form");
    if (!form) { return; }
    form.hidden = false;
    var first = form.querySelector('input[name="reason"]');
    if (first) { first.focus(); }
  }
  function closeReject(form) {
    form.hidden = true;
    var el = form.closest(".item");
    if (el) { el.focus({ preventScroll: true }); }
  }
  function updateSelectedCount() {
    var n = list.querySelectorAll("input.select:checked").length;
    var out = document.getElementById("selected-count");
    if (out) { out.textContent = String(n); }
  }

  window.parleyQueue = {
    // The token of the counts shown (moved on by every poll or action that redraws the tabs):
    // a poll that sends it back gets 204 when nothing changed.
    version: function () {
      var tabs = document.getElementById("queue-tabs");
      return (tabs && tabs.dataset.version) || "";
    },
    maxId: function () {
      return Math.max(parseInt(list.dataset.after || "0", 10) || 0, maxShownId());
    }
  };

  list.addEventListener("click", function (event) {
    var target = event.target;
    var el = target.closest(".item");
    if (el && !target.closest("a, button, input, label, summary")) { select(el); }
    if (target.matches('[data-action="reject-open"]')) { select(el); openReject(el); }
    if (target.matches('[data-action="reject-cancel"]')) { closeReject(target.closest("form")); }
  });
  list.addEventListener("change", function (event) {
    if (event.target.matches("input.select")) { updateSelectedCount(); }
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var help = document.getElementById("help");
    var inForm = event.target.closest && event.target.closest(".reject-form");
    if (inForm) {
      if (event.key === "Escape") { event.preventDefault(); closeReject(inForm); return; }
      var n = parseInt(event.key, 10);
      var reasons = inForm.querySelectorAll('input[name="reason"]');
      if (n >= 1 && n <= reasons.length && event.target.name !== "note") {
        event.preventDefault();
        reasons[n - 1].checked = true;
        reasons[n - 1].focus();
        return;
      }
      if (event.key === "Enter" && event.target.name === "reason") {
        event.preventDefault();
        htmx.trigger(inForm, "submit");
      }
      return;
    }
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") { return; }
    if (help && help.open) { return; }
    var el = current();
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "a": select(el); press(el, "approve"); break;
      case "r": select(el); if (el) { openReject(el); } break;
      case "f": press(el, "feature"); break;
      case "b": press(el, "ban"); break;
      case "u": press(el, "undo"); break;
      case "o": press(el, "details"); break;
      case "x":
        if (el) {
          var box = el.querySelector("input.select");
          box.checked = !box.checked;
          updateSelectedCount();
        }
        break;
      case "?": if (help) { help.showModal(); } break;
      default: return;
    }
    event.preventDefault();
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    var el = event.detail.elt;
    if (!el || !el.classList || !el.classList.contains("item")) { return; }
    var empty = document.getElementById("empty-queue");
    if (empty) { empty.remove(); }
    var message = el.querySelector("[data-message]");
    if (message) { toast(message.textContent); }
    if (el.dataset.id === currentId) {
      el.classList.add("current");
      var verb = event.detail.requestConfig && event.detail.requestConfig.path || "";
      if (!/\/(approve|reject|ban)\/$/.test(verb)) { select(el); return; }
      var next = nextUndecided(el);
      if (next) { select(next); return; }
      select(el);
      if (document.querySelector(".queue-page[data-queue=pending]")) {
        loadMore().then(function () {
          var more = nextUndecided(document.getElementById("item-" + el.dataset.id));
          if (more) { select(more); }
        });
      }
    }
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    var text = event.detail.xhr.responseText || "";
    var match = text.match(/data-error>([^<]*)</);
    toast(match ? match[1] : "That did not work (" + event.detail.xhr.status + ").");
  });
  document.body.addEventListener("htmx:oobBeforeSwap", function (event) {
    var fragment = event.detail.fragment;
    if (!fragment || !event.detail.target || event.detail.target.id !== "queue-tabs") { return; }
    var incoming = fragment.matches && fragment.matches("[data-generated]") ? fragment
      : fragment.querySelector && fragment.querySelector("[data-generated]");
    var shown = BigInt(event.detail.target.dataset.generated || "0");
    if (incoming && BigInt(incoming.dataset.generated || "0") < shown) {
      event.detail.shouldSwap = false;  // older counts than those on the page
    }
  });
  document.body.addEventListener("htmx:oobAfterSwap", function () {
    var empty = document.getElementById("empty-queue");
    if (empty && items().length) { empty.remove(); }
  });

  select(current());
}());
