/*! Parley comments embed. Use:
 *   <div id="parley-comments"></div>
 *   <script src="https://HOST/embed.js" data-story-url="https://news.example/story" async></script>
 *
 * Why in-page (Shadow DOM) and not an iframe: an iframe cannot size itself to its content without
 * a postMessage resize dance, breaks the page's own find-in-page, scrolling and "#comment-N"
 * links, and cannot take the site's fonts and colours. Rendering into a Shadow DOM keeps the
 * site's CSS out of ours and ours out of the site's, while the site still styles us through CSS
 * custom properties (--parley-font, --parley-accent, ...), which do cross the shadow boundary.
 * The price of in-page is that we run in the site's page, so safety comes from how we build
 * the DOM: only createElement/textContent/setAttribute, never innerHTML with anything, so user
 * text can never become markup; links are made only for http(s) URLs.
 *
 * No framework, no build step, no cookies: the API is called with CORS from allowed origins only,
 * and the reader's own comments awaiting moderation are remembered in localStorage, as are the
 * edit tokens of the reader's own comments (sent as X-Parley-Edit-Token) and a random reader id
 * for "Recommend" (X-Parley-Reader): headers, never cookies, so nothing can be forged across sites.
 * Colours are custom properties with a dark set that follows prefers-color-scheme (data-theme
 * "light" or "dark" on the script tag fixes one); see docs/embed.md.
 */
(function () {
  "use strict";
  var script = document.currentScript ||
    document.querySelector("script[data-story-url][src*='embed.js']");
  if (!script) return;
  var API = new URL(script.src, location.href).origin;
  var storyUrl = script.getAttribute("data-story-url") || location.href.split("#")[0];
  var storyTitle = script.getAttribute("data-story-title") || document.title || storyUrl;
  var host = document.getElementById(script.getAttribute("data-target") || "parley-comments");
  if (!host || host.shadowRoot) return;
  var MAX_LEVEL = 2;
  var POLL_MS = window.parleyPollMs || 20000;
  // "auto": the reader's preference, where the page itself has a dark scheme (it declares
  // color-scheme "dark" by meta tag or CSS); on a light-only page the comments stay light.
  var theme = script.getAttribute("data-theme") || "auto";
  var hostSchemes = getComputedStyle(document.documentElement).colorScheme + " " +
    ((document.querySelector("meta[name=color-scheme]") || {}).content || "");
  if (theme === "auto" && hostSchemes.indexOf("dark") < 0) theme = "light";
  var KEEP_PENDING_MS = 14 * 864e5;
  var URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/gi;

  // Colours: each internal --c-* takes the site's --parley-* (light) or --parley-dark-* (dark).
  var LIGHT = { text: "#1a1a1a", muted: "#595959", link: "#0b4f8a", accent: "#1a1a1a",
    "accent-text": "#fff", border: "#d6d6d6", background: "transparent",
    "form-background": "#f6f4ef", focus: "#1a5fb4", field: "#fff", bad: "#a3221b",
    featured: "#fdf6e3", "featured-text": "#6b4e00", ok: "#eef6ee", "bad-background": "#fbeeed",
    pending: "#fff4ce", "pending-text": "#5c4400" };
  var DARK = { text: "#e8e6e3", muted: "#b0aca6", link: "#8ab4f8", accent: "#e8e6e3",
    "accent-text": "#161514", border: "#3d3b38", background: "transparent",
    "form-background": "#22211f", focus: "#8ab4f8", field: "#161514", bad: "#ff8a80",
    featured: "#2e2710", "featured-text": "#f3d27a", ok: "#16301a", "bad-background": "#3a1614",
    pending: "#3a3000", "pending-text": "#ffe08a" };
  function palette(prefix, colours) {
    return Object.keys(colours).map(function (name) {
      return "--c-" + name + ":var(--parley-" + prefix + name + "," + colours[name] + ")";
    }).join(";");
  }
  var dark = ":host{" + palette("dark-", DARK) + ";color-scheme:dark}";
  var CSS = [
    ":host{" + palette("", LIGHT) + "}",
    theme === "dark" ? dark : theme === "light" ? "" : "@media (prefers-color-scheme:dark){" + dark + "}",
    ":host{display:block;font-family:var(--parley-font,Georgia,'Times New Roman'),var(--urdu),serif;",
    "--urdu:'Noto Nastaliq Urdu','Noto Naskh Arabic','Parley Naskh';",
    "color:var(--c-text);background:var(--c-background);",
    "font-size:var(--parley-font-size,1rem);line-height:1.55}",
    "*{box-sizing:border-box}",
    "a{color:var(--c-link)}",
    ":focus-visible{outline:3px solid var(--c-focus);outline-offset:2px}",
    ".head{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:baseline;",
    "border-top:3px solid var(--c-text);padding-top:.4rem;gap:.5rem}",
    "h2{font:700 1.05rem/1.2 var(--parley-heading-font,Arial,var(--urdu),sans-serif);text-transform:uppercase;",
    "letter-spacing:.08em;margin:.4rem 0 .8rem}",
    "ol{list-style:none;margin:0;padding:0}",
    "ol ol{margin-inline-start:1.2rem;padding-inline-start:.9rem;border-inline-start:2px solid var(--c-border)}",
    "ol:empty{display:none}",
    "article{padding:.8rem 0;border-bottom:1px solid var(--c-border)}",
    ".featured>article{background:var(--c-featured);padding-inline:.6rem;border-inline-start:3px solid var(--c-featured-text)}",
    ".badge{font:700 .7rem Arial,var(--urdu),sans-serif;text-transform:uppercase;letter-spacing:.06em;",
    "color:var(--c-featured-text);border:1px solid var(--c-featured-text);border-radius:3px;padding:0 .35rem}",
    ".meta{font:.85rem Arial,var(--urdu),sans-serif;color:var(--c-muted);display:flex;",
    "flex-wrap:wrap;gap:.4rem;align-items:baseline}",
    ".author{font-weight:700;color:var(--c-text)}",
    ".meta a{color:var(--c-muted);text-decoration:none}.meta a:hover{text-decoration:underline}",
    "h3{margin:0 0 .7rem;font-size:1rem;text-transform:uppercase;letter-spacing:.06em}",
    ".text p{margin:.35rem 0}.text{overflow-wrap:anywhere}",
    ".text[lang=ur],.text[lang=ar],.text[lang=fa]{font-family:var(--urdu),serif;line-height:1.9}",
    ".note,.deleted{font:.8rem Arial,var(--urdu),sans-serif;color:var(--c-muted);margin:.3rem 0 0}.deleted{font-style:italic}",
    ".pending{display:inline-block;background:var(--c-pending);color:var(--c-pending-text);border:1px solid var(--c-pending-text);",
    "font:700 .8rem Arial,var(--urdu),sans-serif;padding:.1rem .5rem;border-radius:3px;margin:.35rem 0}",
    "button.link{background:none;border:0;padding:0;font:inherit;cursor:pointer;",
    "color:var(--c-link);text-decoration:underline}",
    ".meta button.link{font-weight:600;text-decoration:none}",
    ".meta button.link:hover,.meta button.link:focus-visible{text-decoration:underline}",
    ".actions{font:.8rem Arial,var(--urdu),sans-serif;display:flex;flex-wrap:wrap;gap:.3rem .9rem;align-items:center}",
    ".actions>div{flex-basis:100%}.actions button.link{color:var(--c-muted)}",
    ".rec{font:600 .8rem Arial,var(--urdu),sans-serif;color:var(--c-muted);background:none;border:1px solid var(--c-border);",
    "border-radius:999px;padding:.1rem .6rem;cursor:pointer}",
    ".rec[aria-pressed=true]{color:var(--c-field);background:var(--c-link);border-color:var(--c-link)}",
    ".more,.new{text-align:center;margin:1rem 0}.new:empty{display:none}",
    ".btn{font:700 .85rem Arial,var(--urdu),sans-serif;background:var(--c-accent);",
    "color:var(--c-accent-text);border:2px solid var(--c-accent);",
    "padding:.5rem 1.2rem;cursor:pointer;border-radius:2px}",
    ".more .btn{background:transparent;color:var(--c-text);text-transform:uppercase;",
    "letter-spacing:.08em;border-color:var(--c-text)}",
    "form{margin:1.2rem 0 .5rem;padding:1rem;background:var(--c-form-background);",
    "border:1px solid var(--c-border);font-family:Arial,var(--urdu),sans-serif}",
    ".field{margin-bottom:.8rem}label{display:block;font-weight:700;font-size:.85rem;margin-bottom:.2rem}",
    "input,textarea,select{width:100%;font:1rem Arial,var(--urdu),sans-serif,var(--urdu);padding:.45rem;",
    "border:1px solid var(--c-muted);border-radius:2px;background:var(--c-field);color:var(--c-text)}",
    "[aria-invalid=true]{border:2px solid var(--c-bad)}",
    ".error{color:var(--c-bad);font-weight:700;font-size:.85rem;margin:.25rem 0 0}",
    ".status p{padding:.55rem .8rem;margin:.5rem 0;border-inline-start:4px solid #2e7d32;background:var(--c-ok)}",
    ".status.bad p{border-inline-start-color:var(--c-bad);background:var(--c-bad-background)}",
    ".notice{font:.85rem Arial,var(--urdu),sans-serif;color:var(--c-muted);",
    "border-top:1px solid var(--c-border);margin-top:1rem;padding-top:.4rem}",
    ".notice p{margin:.3rem 0}.order{font:.85rem Arial,var(--urdu),sans-serif}",
    ".order button[aria-pressed=true]{font-weight:700;color:var(--c-text);text-decoration:none}",
    "[hidden]{display:none!important}"
  ].join("");

  // @font-face does not work inside a shadow root: the Urdu fallback face goes in the page,
  // under a name of our own, fetched only for Arabic-script characters (unicode-range).
  if (!document.getElementById("parley-fonts")) {
    var faces = [[400, "400"], [700, "700"]].map(function (w) {
      return "@font-face{font-family:'Parley Naskh';font-weight:" + w[0] + ";font-display:swap;" +
        "src:url(" + API + "/embed/fonts/NotoNaskhArabic-" + w[1] + ".woff2) format('woff2');" +
        "unicode-range:U+0600-06FF,U+0750-077F,U+0870-08FF,U+200C-200E,U+FB50-FDFF,U+FE70-FEFC}";
    }).join("");
    (document.head || document.documentElement).appendChild(
      el("style", { id: "parley-fonts", text: faces }));
  }

  function el(tag, attrs, kids) {
    var node = document.createElement(tag);
    var name;
    for (name in attrs || {}) {
      if (attrs[name] === null || attrs[name] === undefined || attrs[name] === false) continue;
      if (name === "text") node.textContent = attrs[name];
      else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), attrs[name]);
      else node.setAttribute(name, attrs[name] === true ? "" : String(attrs[name]));
    }
    (kids || []).forEach(function (kid) {
      if (kid !== null && kid !== undefined) {
        node.appendChild(typeof kid === "string" ? document.createTextNode(kid) : kid);
      }
    });
    return node;
  }

  function api(method, path, body, headers) {
    var init = { method: method, credentials: "omit", headers: headers || {} };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(API + "/api/v1" + path, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data, retryAfter: response.headers.get("Retry-After") };
      });
    });
  }

  // "11 years ago", "5 minutes ago": the largest unit only, as the server-rendered page says.
  var UNITS = [[31536000, "year"], [2592000, "month"], [604800, "week"], [86400, "day"],
    [3600, "hour"], [60, "minute"]];
  function ago(iso) {
    var seconds = (Date.now() - new Date(iso).getTime()) / 1000;
    for (var i = 0; i < UNITS.length; i++) {
      var n = Math.floor(seconds / UNITS[i][0]);
      if (n >= 1) return n + " " + UNITS[i][1] + (n === 1 ? "" : "s") + " ago";
    }
    return "just now";
  }

  function timeEl(iso) {
    var date = new Date(iso);
    return el("time", { datetime: iso, title: date.toLocaleString(), text: ago(iso) });
  }

  // Plain text to paragraphs, line breaks, http(s) links and "@Name" links; text nodes only.
  function mentionPieces(line, parent) {
    var names = Object.keys(state.names).sort(function (a, b) { return b.length - a.length; });
    var rest = line;
    var at;
    while ((at = rest.indexOf("@")) !== -1) {
      var hit = null;
      for (var i = 0; i < names.length && !hit; i++) {
        var candidate = rest.substr(at + 1, names[i].length);
        var after = rest.charAt(at + 1 + names[i].length);
        if (candidate.toLowerCase() === names[i] && !/[\w]/.test(after)) hit = candidate;
      }
      if (!hit) {
        parent.appendChild(document.createTextNode(rest.slice(0, at + 1)));
        rest = rest.slice(at + 1);
        continue;
      }
      parent.appendChild(document.createTextNode(rest.slice(0, at)));
      var targetId = state.names[hit.toLowerCase()];
      parent.appendChild(el("a", { href: "#parley-comment-" + targetId, "class": "mention",
        text: "@" + hit, onclick: jumpTo(targetId) }));
      rest = rest.slice(at + 1 + hit.length);
    }
    parent.appendChild(document.createTextNode(rest));
  }

  function jumpTo(id) {
    return function (event) {
      var target = root.getElementById("parley-comment-" + id);
      if (!target) return;
      event.preventDefault();
      target.scrollIntoView({ block: "center" });
      target.querySelector("article").focus();
    };
  }

  function renderText(text, parent) {
    String(text).replace(/\r\n/g, "\n").trim().split(/\n\s*\n/).forEach(function (para) {
      var p = el("p");
      para.split("\n").forEach(function (line, index) {
        if (index) p.appendChild(el("br"));
        var last = 0;
        line.replace(URL_RE, function (match, offset) {
          var url = match;
          while (/[.,;:!?'"*_)\]]$/.test(url)) {
            var c = url.slice(-1);
            if (c === ")" && url.split("(").length > url.split(")").length - 1) break;
            if (c === "]" && url.split("[").length > url.split("]").length - 1) break;
            url = url.slice(0, -1);
          }
          if (url.length <= 4) return match;
          mentionPieces(line.slice(last, offset), p);
          var href = /^https?:\/\//i.test(url) ? url : "https://" + url;
          p.appendChild(el("a", { href: href, rel: "nofollow ugc noopener", target: "_blank", text: url }));
          last = offset + url.length;
          return match;
        });
        mentionPieces(line.slice(last), p);
      });
      parent.appendChild(p);
    });
  }

  var state = { story: null, order: "newest", cursor: null, count: 0, names: {}, byId: {},
    replyOpener: null };
  var root = host.attachShadow({ mode: "open" });
  root.appendChild(el("style", { text: CSS }));
  var section = el("section", { "aria-labelledby": "parley-heading", lang: document.documentElement.lang || null });
  root.appendChild(section);
  var heading = el("h2", { id: "parley-heading", text: "Comments" });
  var list = el("ol", { id: "parley-list", "class": "comment-list" });
  var moreBox = el("div", { "class": "more" });
  var newBox = el("div", { "class": "new", "aria-live": "polite" });
  var status = el("div", { "class": "status", role: "status", "aria-live": "polite" });

  function orderButton(value, label) {
    return el("button", { type: "button", "class": "link", "data-order": value,
      "aria-pressed": value === state.order ? "true" : "false", text: label,
      onclick: function () { if (state.order !== value) { state.order = value; load(true); } } });
  }
  var orderNav = el("div", { "class": "order", role: "group", "aria-label": "Order of comments" },
    [orderButton("newest", "Newest first"), " · ", orderButton("oldest", "Oldest first"), " · ",
      orderButton("featured", "Featured first")]);

  // --- The form -------------------------------------------------------------------------------
  var fields = {};
  function field(name, label, control) {
    var error = el("p", { "class": "error", id: "parley-" + name + "-error", hidden: true });
    control.id = "parley-" + name;
    control.name = name;
    control.setAttribute("aria-describedby", error.id);
    fields[name] = { control: control, error: error };
    return el("div", { "class": "field" }, [el("label", { "for": control.id, text: label }), control, error]);
  }
  var replyName = el("strong", { dir: "auto" });
  var cancelButton = el("button", { type: "button", "class": "link", text: "Cancel", onclick: cancelReply });
  var replyLine = el("p", { "class": "replying-to", hidden: true }, ["Replying to ", replyName, " ", cancelButton]);
  var formError = el("p", { "class": "error", role: "alert", hidden: true });
  var submit = el("button", { type: "submit", "class": "btn", text: "Post comment" });
  var form = el("form", { "class": "comment-form", "aria-labelledby": "parley-form-title", novalidate: true,
    onsubmit: onSubmit }, [
    el("h3", { id: "parley-form-title", text: "Leave a comment" }),
    replyLine, formError,
    field("text", "Your comment", el("textarea", { rows: 5, dir: "auto" })),
    field("author_name", "Name", el("input", { type: "text", autocomplete: "name", dir: "auto" })),
    field("author_email", "Email (optional, never shown)", el("input", { type: "email", autocomplete: "email" })),
    submit
  ]);
  var formHome = el("div", {}, [form]);
  var faqLink = el("a", { href: API + "/faq/", target: "_blank", rel: "noopener", text: "Comments FAQ" });
  var notice = el("div", { "class": "notice" }, [
    el("p", { text: "Comments are moderated and generally will be posted if they are on-topic and not abusive." }),
    el("p", {}, ["For more information, please see our ", faqLink])
  ]);
  section.appendChild(el("div", { "class": "head" }, [heading, orderNav]));
  section.appendChild(newBox);
  section.appendChild(list);
  section.appendChild(moreBox);
  section.appendChild(formHome);
  section.appendChild(status);
  section.appendChild(notice);

  function say(message, bad) {
    status.textContent = "";
    status.className = "status" + (bad ? " bad" : "");
    if (message) status.appendChild(el("p", { text: message }));
  }

  function setCount(n) {
    state.count = n;
    heading.textContent = "Comments (" + n + ")";
  }

  // --- Own comments awaiting moderation ---------------------------------------------------------
  function pendingKey() { return "parley:pending:" + API + ":" + state.story.id; }
  function readPending() {
    try {
      var items = JSON.parse(localStorage.getItem(pendingKey()) || "[]");
      return Array.isArray(items) ? items.filter(function (c) {
        return c && typeof c.id === "number" && Date.now() - new Date(c.created).getTime() < KEEP_PENDING_MS;
      }) : [];
    } catch (e) { return []; }
  }
  function writePending(items) {
    try { localStorage.setItem(pendingKey(), JSON.stringify(items.slice(-50))); } catch (e) { /* private mode */ }
  }

  // --- Own comments' edit tokens and the reader id (localStorage, sent as headers) -------------
  var TOKENS = "parley:tokens:" + API;
  function readTokens() {
    try {
      var all = JSON.parse(localStorage.getItem(TOKENS) || "{}");
      return all && typeof all === "object" ? all : {};
    } catch (e) { return {}; }
  }
  function saveToken(id, token, until) {
    var all = readTokens();
    all[id] = { token: token, until: until };
    var ids = Object.keys(all).sort(function (a, b) { return a - b; });
    ids.slice(0, Math.max(0, ids.length - 50)).forEach(function (old) { delete all[old]; });
    try { localStorage.setItem(TOKENS, JSON.stringify(all)); } catch (e) { /* private mode */ }
  }
  function readerId() {
    var key = "parley:reader:" + API;
    var id = null;
    try { id = localStorage.getItem(key); } catch (e) { /* private mode */ }
    if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
      var bytes = new Uint8Array(18);
      crypto.getRandomValues(bytes);
      id = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      try { localStorage.setItem(key, id); } catch (e) { /* private mode: one id per visit */ }
    }
    return id;
  }
  var recommended = {};

  // --- Rendering comments -----------------------------------------------------------------------
  function learnNames(nodes) {
    nodes.forEach(function (c) {
      var key = String(c.author_name).toLowerCase();
      if (!(key in state.names)) state.names[key] = c.id;
      learnNames(c.replies || []);
    });
  }

  function renderComment(c, level, container, pending) {
    var repliesList = level < MAX_LEVEL ? el("ol", { id: "parley-replies-" + c.id }) : null;
    var target = repliesList || container;
    if (c.status === "deleted") {
      var gone = el("li", { id: "parley-comment-" + c.id, "class": "comment" }, [
        el("article", { tabindex: "-1" }, [el("p", { "class": "deleted", text: "[deleted by its author]" })]),
        el("div", { "class": "reply-slot" }), repliesList]);
      state.byId[c.id] = { li: gone, level: level, target: target, data: c };
      (c.replies || []).forEach(function (reply) {
        target.appendChild(renderComment(reply, Math.min(level + 1, MAX_LEVEL), target, false));
      });
      return gone;
    }
    var author = el("span", { "class": "author", dir: "auto", text: c.author_name });
    var replyButton = el("button", { type: "button", "class": "link", text: "Reply",
      "aria-label": "Reply to " + c.author_name,
      onclick: function () { openReply(c, level, target, replyButton, li); } });
    var meta = el("div", { "class": "meta" }, [author,
      c.is_featured ? el("span", { "class": "badge", text: "Featured" }) : null,
      el("span", { "aria-hidden": "true", text: "|" }),
      el("a", { href: "#parley-comment-" + c.id, onclick: jumpTo(c.id) }, [timeEl(c.created)]),
      c.edited ? el("span", { "class": "edited", title: c.edited, text: "(edited)" }) : null]);
    if (!state.story.comments_closed) {
      meta.appendChild(el("span", { "aria-hidden": "true", text: "|" }));
      meta.appendChild(replyButton);
    }
    var text = el("div", { "class": "text", dir: "auto", lang: c.language || null });
    renderText(c.text, text);
    var article = el("article", { tabindex: "-1" }, [
      meta,
      pending ? el("p", { "class": "pending", text: "Awaiting moderation (only you can see this comment until a moderator approves it)" }) : null,
      c.replying_to ? el("p", { "class": "note" }, ["Replying to ", el("span", { dir: "auto", text: c.replying_to })]) : null,
      text
    ]);
    var slot = el("div");
    var actions = el("div", { "class": "actions" });
    if (!pending) {
      var reportButton = el("button", { type: "button", "class": "link", text: "Report",
        "aria-label": "Report the comment by " + c.author_name,
        onclick: function () { openReport(c, slot, reportButton); } });
      actions.appendChild(recommendButton(c));
      actions.appendChild(reportButton);
    }
    var own = readTokens()[c.id];
    if (own) {
      if (own.until && new Date(own.until).getTime() > Date.now()) {
        actions.appendChild(el("button", { type: "button", "class": "link", text: "Edit",
          onclick: function () { openEdit(c, slot, text, article); } }));
      }
      actions.appendChild(el("button", { type: "button", "class": "link", text: "Delete",
        onclick: function () { openDelete(c, slot, li); } }));
    }
    actions.appendChild(slot);
    article.appendChild(actions);
    var li = el("li", { id: "parley-comment-" + c.id, "class": "comment" + (pending ? " comment-pending" : "") +
      (c.is_featured ? " featured" : "") },
      [article, el("div", { "class": "reply-slot" }), repliesList]);
    state.byId[c.id] = { li: li, level: level, target: target, data: c };
    (c.replies || []).forEach(function (reply) {
      target.appendChild(renderComment(reply, Math.min(level + 1, MAX_LEVEL), target, false));
    });
    return li;
  }

  function placeOwn(c, pending) {
    var parent = c.parent_id && state.byId[c.parent_id];
    if (c.parent_id && !parent) return null;
    if (root.getElementById("parley-comment-" + c.id)) return null;
    if (!parent) {
      var top = renderComment(c, 0, list, pending);
      list.insertBefore(top, state.order === "newest" ? list.firstChild : null);
      return top;
    }
    var level = Math.min(parent.level + 1, MAX_LEVEL);
    if (parent.level >= MAX_LEVEL) c.replying_to = c.replying_to || parent.data.author_name;
    var li = renderComment(c, level, parent.target, pending);
    parent.target.appendChild(li);
    return li;
  }

  function showMore() {
    moreBox.textContent = "";
    if (state.cursor) {
      moreBox.appendChild(el("button", { type: "button", "class": "btn", text: "View more comments",
        onclick: function () { load(false); } }));
    }
  }

  function load(reset) {
    var query = "?order=" + state.order + (reset || !state.cursor ? "" : "&cursor=" + encodeURIComponent(state.cursor));
    return api("GET", "/stories/" + state.story.id + "/comments" + query).then(function (res) {
      if (res.status !== 200) { say(res.data.detail || "Comments could not be loaded.", true); return; }
      if (reset) { list.textContent = ""; state.byId = {}; state.names = {}; }
      orderNav.querySelectorAll("button").forEach(function (b) {
        b.setAttribute("aria-pressed", b.getAttribute("data-order") === state.order ? "true" : "false");
      });
      var seen = {};
      res.data.comments.forEach(function mark(c) { seen[c.id] = true; (c.replies || []).forEach(mark); });
      learnNames(res.data.comments);
      res.data.comments.forEach(function (c) {
        if (!root.getElementById("parley-comment-" + c.id)) list.appendChild(renderComment(c, 0, list, false));
      });
      setCount(res.data.published_count);
      state.cursor = res.data.next_cursor;
      showMore();
      var pending = readPending().filter(function (c) { return !seen[c.id]; });
      writePending(pending);
      pending.forEach(function (c) { placeOwn(c, true); });
      if (reset) { startPolling(); loadRecommended(); }
    });
  }

  // --- Recommend --------------------------------------------------------------------------------
  function recommendButton(c) {
    var count = el("span", { text: String(c.recommend_count || 0) });
    var button = el("button", { type: "button", "class": "rec", "data-comment": c.id,
      "aria-pressed": recommended[c.id] ? "true" : "false",
      "aria-label": "Recommend the comment by " + c.author_name }, ["▲ Recommend ", count]);
    button.addEventListener("click", function () {
      var on = button.getAttribute("aria-pressed") !== "true";
      api("POST", "/comments/" + c.id + "/recommend", { recommend: on }, { "X-Parley-Reader": readerId() })
        .then(function (res) {
          if (res.status !== 200) { say(res.data.detail || "That did not work. Please try again.", true); return; }
          recommended[c.id] = res.data.recommended;
          button.setAttribute("aria-pressed", res.data.recommended ? "true" : "false");
          count.textContent = String(res.data.count);
        });
    });
    return button;
  }
  function loadRecommended() {
    api("GET", "/stories/" + state.story.id + "/recommended", undefined, { "X-Parley-Reader": readerId() })
      .then(function (res) {
        (res.data.comment_ids || []).forEach(function (id) {
          recommended[id] = true;
          var b = root.querySelector(".rec[data-comment='" + Number(id) + "']");
          if (b) b.setAttribute("aria-pressed", "true");
        });
      });
  }

  // --- Edit and delete your own comment ---------------------------------------------------------
  function tokenHeader(c) { return { "X-Parley-Edit-Token": (readTokens()[c.id] || {}).token || "" }; }
  function openEdit(c, slot, textBox, article) {
    if (slot.firstChild) { slot.textContent = ""; return; }
    var box = el("textarea", { id: "parley-edit-" + c.id, rows: 4, dir: "auto" });
    box.value = c.text;
    var problem = el("p", { "class": "error", role: "alert", hidden: true });
    slot.appendChild(el("form", { "aria-label": "Edit your comment", onsubmit: function (event) {
      event.preventDefault();
      api("PATCH", "/comments/" + c.id, { text: box.value }, tokenHeader(c)).then(function (res) {
        if (res.status !== 200) {
          problem.textContent = String(res.data.detail || "Your edit could not be saved.").replace(/^[a-z_]+: /, "");
          problem.hidden = false;
          return;
        }
        c.text = res.data.comment.text;
        textBox.textContent = "";
        renderText(c.text, textBox);
        slot.textContent = "";
        say(res.data.status === "pending" ? "Your edit is saved and awaiting moderation: others will see the comment again once a moderator has approved it."
          : "Your edit is saved.");
        article.focus();
      });
    } }, [el("div", { "class": "field" }, [el("label", { "for": box.id, text: "Your comment" }), box]), problem,
      el("button", { type: "submit", "class": "btn", text: "Save edit" }), " ",
      el("button", { type: "button", "class": "link", text: "Cancel", onclick: function () { slot.textContent = ""; } })]));
    box.focus();
  }
  function openDelete(c, slot, li) {
    if (slot.firstChild) { slot.textContent = ""; return; }
    var problem = el("p", { "class": "error", role: "alert", hidden: true });
    var yes = el("button", { type: "button", "class": "btn", text: "Delete comment", onclick: function () {
      api("DELETE", "/comments/" + c.id, undefined, tokenHeader(c)).then(function (res) {
        if (res.status !== 200) { problem.textContent = res.data.detail || "The comment could not be deleted."; problem.hidden = false; return; }
        var article = li.querySelector("article");
        article.textContent = "";
        article.appendChild(el("p", { "class": "deleted", text: "[deleted by its author]" }));
        if (c.status === "published") setCount(Math.max(0, state.count - 1));
        say("Your comment is deleted.");
        article.focus();
      });
    } });
    slot.appendChild(el("div", { role: "group", "aria-label": "Delete your comment" }, [
      el("p", { text: "Delete this comment? Replies to it stay." }), problem, yes, " ",
      el("button", { type: "button", "class": "link", text: "Cancel", onclick: function () { slot.textContent = ""; } })]));
    yes.focus();
  }

  // --- "N new comments — show them" ---------------------------------------------------------------
  var poll = { latest: 0, waiting: 0, etag: null, timer: null };
  function startPolling() {
    if (poll.timer) return;
    api("GET", "/stories/" + state.story.id + "/updates?since=0").then(function (res) {
      poll.latest = Math.max(poll.latest, res.data.latest_id || 0);  // our own post may be newer
      poll.timer = setInterval(checkNew, POLL_MS);
    });
  }
  function checkNew() {
    if (document.hidden) return;
    var headers = poll.etag ? { "If-None-Match": poll.etag } : {};
    fetch(API + "/api/v1/stories/" + state.story.id + "/updates?since=" + poll.latest,
      { credentials: "omit", headers: headers }).then(function (r) {
      if (r.status !== 200) return null;
      poll.etag = r.headers.get("ETag");
      return r.json();
    }).then(function (data) {
      if (!data) return;
      poll.waiting = data.latest_id;
      setCount(data.published_count);
      newBox.textContent = "";
      if (data.new_count) {
        newBox.appendChild(el("button", { type: "button", "class": "link", text: data.new_count === 1
          ? "1 new comment — show it" : data.new_count + " new comments — show them",
          onclick: function () { poll.latest = poll.waiting; newBox.textContent = ""; state.cursor = null; load(true); } }));
      }
    }, function () { /* try again at the next tick */ });
  }

  // --- Replying ---------------------------------------------------------------------------------
  var replyTo = null;
  function openReply(c, level, target, opener, li) {
    replyTo = c;
    state.replyOpener = opener;
    replyName.textContent = c.author_name;
    replyLine.hidden = false;
    li.querySelector(".reply-slot").appendChild(form);
    fields.text.control.focus();
  }
  function cancelReply() {
    var opener = state.replyOpener;
    resetReply();
    if (opener && opener.isConnected) opener.focus(); else fields.text.control.focus();
  }
  function resetReply() {
    replyTo = null;
    state.replyOpener = null;
    replyLine.hidden = true;
    formHome.appendChild(form);
  }

  function clearErrors() {
    formError.hidden = true;
    Object.keys(fields).forEach(function (name) {
      fields[name].error.hidden = true;
      fields[name].control.removeAttribute("aria-invalid");
    });
  }

  function onSubmit(event) {
    event.preventDefault();
    clearErrors();
    submit.disabled = true;
    var body = { text: fields.text.control.value, author_name: fields.author_name.control.value,
      author_email: fields.author_email.control.value, parent_id: replyTo ? replyTo.id : null };
    api("POST", "/stories/" + state.story.id + "/comments", body).then(function (res) {
      submit.disabled = false;
      if (res.status === 201) return posted(res.data);
      var name = res.data.field && String(res.data.field).split(".").pop();
      var message = String(res.data.detail || "Your comment could not be posted.").replace(/^[a-z_]+: /, "");
      if (res.status === 429 && res.retryAfter) message += " (" + res.retryAfter + " s)";
      if (fields[name]) {
        fields[name].error.textContent = message;
        fields[name].error.hidden = false;
        fields[name].control.setAttribute("aria-invalid", "true");
        fields[name].control.focus();
      } else {
        formError.textContent = message;
        formError.hidden = false;
      }
    }, function () {
      submit.disabled = false;
      formError.textContent = "The comment service could not be reached. Please try again.";
      formError.hidden = false;
    });
  }

  function posted(data) {
    var c = data.comment;
    if (data.status === "rejected") {
      // Each reason is a sentence: join them as sentences (as the reader page does).
      var reasons = data.public_reasons.map(function (r) {
        r = String(r).trim();
        return r && ".!?".indexOf(r.charAt(r.length - 1)) < 0 ? r + "." : r;
      }).filter(Boolean).join(" ") || "It does not follow our comment policy.";
      say("Sorry, we could not publish your comment. " + reasons +
        " You are welcome to rephrase it and try again." + (data.nudge ? " " + data.nudge : ""), true);
      return;
    }
    var pending = data.status === "pending";
    if (data.edit_token) saveToken(c.id, data.edit_token, data.editable_until);
    if (!pending && c.id > poll.latest) { poll.latest = c.id; poll.etag = null; }
    if (pending) writePending(readPending().concat([c]));
    else setCount(state.count + 1);
    fields.text.control.value = "";
    resetReply();
    var li = placeOwn(c, pending);
    say(pending ? "Thank you. Your comment is awaiting moderation: you can see it, and others will once a moderator has approved it."
      : "Thank you, your comment is published." + (data.nudge ? " " + data.nudge : ""));
    if (li) li.querySelector("article").focus();
  }

  // --- Reporting --------------------------------------------------------------------------------
  function openReport(c, slot, opener) {
    if (slot.firstChild) { slot.textContent = ""; return; }
    var id = "parley-report-" + c.id;
    var reason = el("select", { id: id + "-reason", name: "reason" }, [["abusive", "Abusive"],
      ["off_topic", "Off-topic"], ["spam", "Spam"], ["other", "Other"]].map(function (o) {
      return el("option", { value: o[0], text: o[1] });
    }));
    var note = el("textarea", { id: id + "-note", name: "note", rows: 2, maxlength: 500 });
    var problem = el("p", { "class": "error", role: "alert", hidden: true });
    var reportForm = el("form", { "aria-label": "Report the comment by " + c.author_name, onsubmit: function (event) {
      event.preventDefault();
      api("POST", "/comments/" + c.id + "/reports", { reason: reason.value, note: note.value }).then(function (res) {
        if (res.status === 201) {
          slot.textContent = "";
          var done = el("p", { role: "status", tabindex: "-1", text: "Thank you for your report. A moderator will look at this comment." });
          slot.appendChild(done);
          done.focus();
        } else {
          problem.textContent = res.data.detail || "The report could not be sent.";
          problem.hidden = false;
        }
      });
    } }, [
      el("div", { "class": "field" }, [el("label", { "for": reason.id, text: "Reason" }), reason]),
      el("div", { "class": "field" }, [el("label", { "for": note.id, text: "Note (optional)" }), note]),
      problem,
      el("button", { type: "submit", "class": "btn", text: "Send report" }), " ",
      el("button", { type: "button", "class": "link", text: "Cancel",
        onclick: function () { slot.textContent = ""; opener.focus(); } })
    ]);
    slot.appendChild(reportForm);
    reason.focus();
  }

  // Readers get one plain sentence; what the site owner must configure goes to the console and
  // to data attributes on the host element (data-parley-error, -origin, -hint), never on screen.
  function notAvailable(data) {
    data = data || {};
    say("Comments are not available on this page at the moment.", true);
    form.hidden = true;
    notice.hidden = true;
    orderNav.hidden = true;
    host.setAttribute("data-parley-error", data.code || "unavailable");
    if (data.origin) host.setAttribute("data-parley-origin", data.origin);
    if (data.hint) host.setAttribute("data-parley-hint", data.hint);
    if (window.console && console.warn) {
      console.warn("Parley comments: " + (data.detail || "the story could not be loaded.") +
        (data.hint ? " " + data.hint : "") + " See " + API + "/moderate/sites/");
    }
  }

  // --- Start ------------------------------------------------------------------------------------
  api("POST", "/embed/stories", { url: storyUrl, title: storyTitle }).then(function (res) {
    if (res.status !== 200 && res.status !== 201) {
      notAvailable(res.data);
      return;
    }
    state.story = res.data;
    faqLink.href = API + "/faq/?story=" + state.story.id;
    if (state.story.comments_closed) {
      formHome.textContent = "";
      formHome.appendChild(el("p", { "class": "note", text: "Comments are closed on this story." }));
    }
    setCount(state.story.published_count);
    return load(true);
  }, function () {
    say("The comment service could not be reached.", true);
    form.hidden = true;
    orderNav.hidden = true;
  });
})();
