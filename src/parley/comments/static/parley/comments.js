/* Parley reader page: progressive enhancement on top of htmx (the page works without it).
   Reply opens the one comment form under the comment and moves focus into it; Cancel puts it
   back and returns focus to the Reply link; after a post the form goes home and focus moves to
   the new comment. Only textContent is ever written here: no user text becomes markup. */
(function () {
  "use strict";
  var opener = null;

  function form() { return document.getElementById("comment-form"); }

  function setReply(f, parentId, name, target) {
    f.querySelector("[name=parent_id]").value = parentId || "";
    f.querySelector("[name=reply_target]").value = target || "";
    var line = f.querySelector("#replying-to");
    if (line) {
      line.querySelector(".replying-to-name").textContent = name || "";
      line.hidden = !parentId;
    }
  }

  function goHome(f) {
    var home = document.getElementById("comment-form-home");
    if (home && f.parentNode !== home) home.appendChild(f);
    setReply(f, "", "", "");
  }

  function openReply(link) {
    var f = form();
    var slot = document.getElementById("reply-slot-" + link.dataset.replyTo);
    if (!f || !slot || f.tagName !== "FORM") return false;
    slot.appendChild(f);
    setReply(f, link.dataset.replyTo, link.dataset.replyName, link.dataset.replyTarget);
    opener = link;
    f.querySelector("textarea").focus();
    return true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".reply-link");
    if (link && openReply(link)) { event.preventDefault(); return; }
    var cancel = event.target.closest(".cancel-reply");
    if (cancel && form()) {
      event.preventDefault();
      goHome(form());
      if (opener && document.body.contains(opener)) opener.focus();
      else form().querySelector("textarea").focus();
      opener = null;
      return;
    }
    var cancelReport = event.target.closest(".cancel-report");
    if (cancelReport) {
      var slot = cancelReport.closest(".report-slot");
      var reportLink = slot && slot.parentNode.querySelector(".report-link");
      var opened = slot && slot.dataset.opener && document.getElementById(slot.dataset.opener);
      if (slot) slot.textContent = "";
      if (opened) opened.focus(); else if (reportLink) reportLink.focus();
    }
  });

  // Space activates the Reply and Cancel links too, as it would a button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== " ") return;
    var el = event.target.closest && event.target.closest(".reply-link, .cancel-reply");
    if (el) { event.preventDefault(); el.click(); }
  });

  // The server says a comment was posted (HX-Trigger-After-Settle): reset and show it.
  document.addEventListener("parley:posted", function (event) {
    var f = form();
    var detail = event.detail || {};
    if (!f || !detail.id) return;
    f.querySelector("textarea").value = "";
    goHome(f);
    opener = null;
    var empty = document.getElementById("no-comments");
    if (empty) empty.remove();
    var posted = document.querySelector("#comment-" + detail.id + " > article");
    if (posted) { posted.tabIndex = -1; posted.focus(); }
  });

  // A server error or a lost connection: say so instead of failing silently.
  function sayFailed() {
    var status = document.getElementById("post-status");
    if (!status) return;
    status.className = "post-status post-status-error";
    status.textContent = "";
    var p = document.createElement("p");
    p.textContent = "Sorry, something went wrong and nothing was saved. Please try again.";
    status.appendChild(p);
  }
  document.addEventListener("htmx:responseError", sayFailed);
  document.addEventListener("htmx:sendError", sayFailed);

  // "View more comments": remember where the new page starts, to move the focus there.
  var firstNew = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt.classList.contains("more-link")) {
      firstNew = document.getElementById("comment-list").children.length;
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (!target) return;
    if (target.id === "comment-form") {
      // The form came back with errors (an outerHTML swap: look up the new element) and the
      // first field that needs attention takes the focus.
      var fresh = form();
      var bad = fresh && (fresh.querySelector("[aria-invalid=true]") || fresh.querySelector(".form-errors"));
      if (bad) { if (!bad.matches("input, textarea, select")) bad.tabIndex = -1; bad.focus(); }
    } else if (target.classList.contains("report-slot")) {
      var first = target.querySelector("select, textarea, .report-done, .delete-form button");
      if (first) first.focus();
    } else if (target.id === "comment-list") {
      // A page loaded after our own new comment may repeat it: keep the first copy only.
      var seen = {};
      Array.prototype.slice.call(target.children).forEach(function (li) {
        if (!li.id) return;
        if (seen[li.id]) li.remove(); else seen[li.id] = true;
      });
      var first = firstNew !== null && target.children[firstNew];
      firstNew = null;
      if (first && first.querySelector("article")) {
        var article = first.querySelector("article");
        article.tabIndex = -1;
        article.focus();
      }
    }
  });

  // --- Recommend: show which comments this browser recommends (the page is shared) ----------
  var section = document.getElementById("comments");
  function markRecommended(ids) {
    document.querySelectorAll(".recommend-button").forEach(function (button) {
      var on = ids.indexOf(Number(button.dataset.comment)) >= 0;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      var field = button.form && button.form.querySelector("[name=recommend]");
      if (field) field.value = on ? "0" : "1";
    });
  }
  var recommended = [];
  function loadRecommended() {
    if (!section || !window.fetch || document.cookie === undefined) return;
    fetch(section.dataset.recommendedUrl, { credentials: "same-origin" }).then(function (r) {
      return r.ok ? r.json() : { comment_ids: [] };
    }).then(function (data) {
      recommended = data.comment_ids || [];
      markRecommended(recommended);
    }).catch(function () { /* the counts are still right; only the pressed state is missing */ });
  }
  loadRecommended();
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (target && target.id === "comment-list") markRecommended(recommended);
  });

  // --- "N new comments — show them": poll a cheap endpoint while the page is open ----------
  var latest = section ? Number(section.dataset.latestId || 0) : 0;
  var notice = document.getElementById("new-comments");
  var every = window.parleyPollMs || 20000;
  var etag = null;
  var waiting = 0;

  function showNotice(count) {
    notice.textContent = "";
    if (!count) return;
    var words = count === 1 ? section.dataset.newOne : section.dataset.newMany.replace("__N__", String(count));
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button-link new-comments-button";
    button.textContent = words;
    button.addEventListener("click", showNew);
    notice.appendChild(button);
  }

  function showNew() {
    var order = section.dataset.order || "newest";
    var url = section.dataset.fragmentUrl + "?order=" + encodeURIComponent(order);
    latest = waiting;
    notice.textContent = "";
    if (window.htmx) {
      window.htmx.ajax("GET", url, { target: "#comment-list", swap: "innerHTML" }).then(function () {
        var list = document.getElementById("comment-list");
        var first = list && list.querySelector("li.comment > article");
        if (first) { first.tabIndex = -1; first.focus(); }
      });
    } else {
      location.reload();
    }
  }

  function poll() {
    if (!section || !notice || document.hidden) return;
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(section.dataset.updatesUrl + "?since=" + latest, { headers: headers, credentials: "omit" })
      .then(function (r) {
        if (r.status === 304 || !r.ok) return null;
        etag = r.headers.get("ETag");
        return r.json();
      }).then(function (data) {
        if (!data) return;
        waiting = data.latest_id;
        showNotice(data.new_count);
        var heading = document.getElementById("comments-heading");
        if (heading) heading.textContent = heading.textContent.replace(/\(\d+\)/, "(" + data.published_count + ")");
      }).catch(function () { /* try again at the next tick */ });
  }
  if (section && notice && window.fetch) {
    setInterval(poll, every);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });
  }
  // Our own new comment is already on the page: it is not "new" to us.
  document.addEventListener("parley:posted", function (event) {
    var id = event.detail && event.detail.id;
    if (id && id > latest) { latest = id; etag = null; }
  });
})();
