// Keyboard shortcuts for the voting page. The page works without this file:
// the vote buttons are a plain form and "Next battle" is a plain link.
(function () {
  "use strict";
  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.isContentEditable);
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(document.activeElement)) {
      return;
    }
    var key = ev.key.toLowerCase();
    var target = document.querySelector('[data-key="' + key + '"]');
    if (!target) {
      return;
    }
    ev.preventDefault();
    target.click();
  });
  // A double click or key repeat must not send a second vote.
  var form = document.getElementById("vote-form");
  if (form) {
    form.addEventListener("submit", function (ev) {
      if (form.dataset.sent) {
        ev.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      var chosen = ev.submitter;
      if (chosen) {
        var keep = document.createElement("input");
        keep.type = "hidden";
        keep.name = chosen.name;
        keep.value = chosen.value;
        form.appendChild(keep);
      }
      form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    });
  }
})();

// First-time help on the voting page: a long press on a vote button shows
// what the choice means (a hover shows its title), and the keyboard
// shortcuts are listed, except on touch screens, until first used or dismissed.
(function () {
  "use strict";
  var form = document.getElementById("vote-form");
  if (!form) {
    return;
  }
  var pressed = null;
  var timer = 0;
  var held = false;
  form.querySelectorAll("button[data-tip]").forEach(function (b) {
    b.addEventListener("touchstart", function () {
      held = false;
      timer = setTimeout(function () {
        held = true;
        if (pressed && pressed !== b) {
          pressed.classList.remove("tip-open");
        }
        pressed = b;
        b.classList.add("tip-open");
      }, 450);
    }, { passive: true });
    b.addEventListener("touchend", function (ev) {
      clearTimeout(timer);
      if (held) {
        // A long press explains; it must not vote.
        ev.preventDefault();
      }
    });
    b.addEventListener("touchmove", function () { clearTimeout(timer); }, { passive: true });
  });
  document.addEventListener("touchstart", function (ev) {
    if (pressed && !pressed.contains(ev.target)) {
      pressed.classList.remove("tip-open");
      pressed = null;
    }
  }, { passive: true });
  // The shortcuts are listed until the voter dismisses the list or uses a
  // shortcut, once per browser.
  var hint = document.getElementById("shortcuts");
  var seenKey = "arena.shortcuts-seen";
  var seen = true;
  try { seen = window.localStorage.getItem(seenKey) === "1"; } catch (e) { /* private mode: show nothing */ }
  if (!hint || seen || !window.matchMedia || window.matchMedia("(pointer: coarse)").matches) {
    return;
  }
  hint.hidden = false;
  function dismiss() {
    hint.hidden = true;
    try { window.localStorage.setItem(seenKey, "1"); } catch (e) { /* shown again next time */ }
  }
  var close = document.getElementById("shortcuts-close");
  if (close) {
    close.addEventListener("click", dismiss);
  }
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    var typed = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable);
    if (!typed && !ev.ctrlKey && !ev.metaKey && !ev.altKey && document.querySelector('[data-key="' + ev.key.toLowerCase() + '"]')) {
      dismiss();
    }
  });
})();

// Live battles: both answers arrive over one EventSource as plain text. When
// both are done the page reloads, so the server renders the final Markdown
// (sanitised) and unlocks the vote buttons; without JavaScript a reload
// after the answers finish shows the same.
(function () {
  "use strict";
  var paneA = document.getElementById("answer-a");
  var url = paneA && paneA.dataset.stream;
  if (!url || !window.EventSource) {
    return;
  }
  var panes = { a: paneA, b: document.getElementById("answer-b") };
  var status = document.getElementById("stream-status");
  var done = {};
  panes.a.textContent = "";
  panes.b.textContent = "";
  panes.a.classList.add("streaming");
  panes.b.classList.add("streaming");
  var es = new EventSource(url);
  es.addEventListener("delta", function (ev) {
    var d = JSON.parse(ev.data);
    var pane = panes[d.side];
    if (pane) {
      pane.appendChild(document.createTextNode(d.text));
    }
  });
  es.addEventListener("done", function (ev) {
    var d = JSON.parse(ev.data);
    done[d.side] = true;
    if (done.a && done.b) {
      es.close();
      if (status) {
        status.textContent = "Both answers are complete.";
      }
      window.location.reload();
    }
  });
  es.addEventListener("error", function (ev) {
    es.close();
    var text = "The connection was lost. This battle may be void; start a new one.";
    if (ev.data) {
      try { text = JSON.parse(ev.data).text; } catch (e) { /* keep the default */ }
    }
    if (status) {
      status.textContent = text;
      status.classList.add("failed");
      var next = document.createElement("a");
      next.href = "/";
      next.className = "next";
      next.id = "next";
      next.dataset.key = "n";
      next.textContent = "New battle";
      status.appendChild(document.createTextNode(" "));
      status.appendChild(next);
    }
  });
})();

// Leaderboard: changing a filter applies it at once (the form still
// has its Apply button for pages without JavaScript), and every 30 s the page
// asks whether newer ratings exist and, if so, offers a reload.
(function () {
  "use strict";
  var filters = document.getElementById("board-filters");
  if (filters) {
    filters.addEventListener("change", function () { filters.submit(); });
  }
  var fresh = document.getElementById("board-freshness");
  var notice = document.getElementById("board-new");
  if (!fresh || !notice || !fresh.dataset.versionUrl || !window.fetch) {
    return;
  }
  var timer = setInterval(function () {
    if (document.hidden) {
      return;
    }
    fetch(fresh.dataset.versionUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (v) {
        if (v && v.version && v.version !== fresh.dataset.version) {
          notice.hidden = false;
          clearInterval(timer);
        }
      })
      .catch(function () { /* try again at the next tick */ });
  }, 30000);
})();
