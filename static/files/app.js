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

// Live battles: both answers arrive over one EventSource as plain text,
// each pane with a typing indicator, and a Stop button ends the stream
// (the server then voids the battle). When both are done the page's own
// server-rendered, sanitised Markdown is fetched and swapped in with the
// vote unlocked, without a reload; without JavaScript a reload after the
// answers finish shows the same.
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
  var typing = {};
  ["a", "b"].forEach(function (side) {
    var pane = panes[side];
    pane.textContent = "";
    pane.classList.add("streaming");
    var t = document.createElement("p");
    t.className = "typing";
    t.id = "typing-" + side;
    t.textContent = "Writing";
    pane.parentNode.insertBefore(t, pane.nextSibling);
    typing[side] = t;
  });
  var es = new EventSource(url);
  var stop = document.createElement("button");
  stop.type = "button";
  stop.id = "stream-stop";
  stop.className = "stop";
  stop.textContent = "Stop";
  if (status) {
    status.appendChild(document.createTextNode(" "));
    status.appendChild(stop);
  }
  function finished(side) {
    if (typing[side]) {
      typing[side].remove();
      delete typing[side];
    }
  }
  function fail(text) {
    es.close();
    finished("a");
    finished("b");
    if (!status) {
      return;
    }
    status.textContent = text;
    status.classList.add("failed");
    var next = document.createElement("a");
    next.href = paneA.closest("main").querySelector(".named") ? "/compare" : "/";
    next.className = "next";
    next.id = "next";
    next.dataset.key = "n";
    next.textContent = "New battle";
    status.appendChild(document.createTextNode(" "));
    status.appendChild(next);
  }
  stop.addEventListener("click", function () {
    // Closing the stream is what stops the models: the server sees the
    // voter leave and voids the battle.
    fail("You stopped the answers. This battle is void and counts for nothing.");
  });
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
    finished(d.side);
    if (done.a && done.b) {
      es.close();
      stop.remove();
      if (status) {
        status.textContent = "Both answers are complete.";
      }
      swapFinished(0);
    }
  });
  es.addEventListener("error", function (ev) {
    var text = "The connection was lost. This battle may be void; start a new one.";
    if (ev.data) {
      try { text = JSON.parse(ev.data).text; } catch (e) { /* keep the default */ }
    }
    fail(text);
  });
  // swapFinished fetches this battle's page as the server now renders it and
  // moves its answers, vote buttons and forms into this one.
  function swapFinished(tries) {
    fetch(window.location.pathname, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var a = doc.getElementById("answer-a");
        if (!a || a.dataset.stream) {
          return tries < 5 ? setTimeout(function () { swapFinished(tries + 1); }, 300) : window.location.reload();
        }
        ["a", "b"].forEach(function (side) {
          var from = doc.getElementById("answer-" + side);
          panes[side].classList.remove("streaming");
          panes[side].replaceChildren.apply(panes[side], Array.from(from.childNodes).map(function (n) { return document.importNode(n, true); }));
        });
        var fresh = doc.querySelectorAll("#vote-form button");
        document.querySelectorAll("#vote-form button").forEach(function (b, i) {
          b.disabled = fresh[i] ? fresh[i].disabled : false;
        });
        ["regenerate-slot", "turn-slot"].forEach(function (id) {
          var here = document.getElementById(id);
          var there = doc.getElementById(id);
          if (here && there) {
            here.replaceChildren.apply(here, Array.from(there.childNodes).map(function (n) { return document.importNode(n, true); }));
            here.dispatchEvent(new CustomEvent("arena:swapped", { bubbles: true }));
          }
        });
      })
      .catch(function () { window.location.reload(); });
  }
})();

// Prompt boxes count characters against the server's limit (the page's
// data-prompt-max) and warn past it; nothing is cut, the server refuses a
// prompt that is too long and gives it back with the reason.
(function () {
  "use strict";
  var max = Number(document.body.dataset.promptMax || 0);
  if (!max) {
    return;
  }
  function attach(root) {
    root.querySelectorAll('textarea[name="prompt"]').forEach(function (box) {
      if (box.dataset.counted) {
        return;
      }
      box.dataset.counted = "1";
      var out = document.createElement("p");
      out.className = "counter";
      out.id = (box.id || "prompt") + "-count";
      out.setAttribute("aria-live", "polite");
      box.setAttribute("aria-describedby", out.id);
      box.insertAdjacentElement("afterend", out);
      function update() {
        var n = Array.from(box.value).length;
        out.textContent = n + " / " + max + (n > max ? " — " + (n - max) + " too many: shorten it before sending" : "");
        out.classList.toggle("over", n > max);
      }
      box.addEventListener("input", update);
      update();
    });
  }
  attach(document);
  document.addEventListener("arena:swapped", function (ev) { attach(ev.target); });
})();

// On a narrow screen the two answers of each turn become tabs, so that B is
// one tap away rather than a long scroll past A; without this script (or on
// a wide screen) they stay stacked or side by side.
(function () {
  "use strict";
  document.querySelectorAll("main .answers").forEach(function (pair, n) {
    var answers = pair.querySelectorAll(":scope > .answer");
    if (answers.length !== 2) {
      return;
    }
    var bar = document.createElement("div");
    bar.className = "ab-tabs";
    bar.setAttribute("role", "tablist");
    var tabs = ["a", "b"].map(function (side, i) {
      var t = document.createElement("button");
      t.type = "button";
      t.className = "ab-tab";
      t.id = "tab-" + side + (n ? "-" + n : "");
      t.setAttribute("role", "tab");
      t.dataset.side = side;
      t.textContent = (answers[i].querySelector("h2, h4") || {}).textContent || "Answer " + side.toUpperCase();
      bar.appendChild(t);
      return t;
    });
    function show(side) {
      pair.dataset.show = side;
      tabs.forEach(function (t) { t.setAttribute("aria-selected", String(t.dataset.side === side)); });
    }
    tabs.forEach(function (t) {
      t.addEventListener("click", function () {
        show(t.dataset.side);
        if (bar.getBoundingClientRect().top < 0) {
          bar.scrollIntoView();
        }
      });
    });
    pair.classList.add("tabbed");
    pair.parentNode.insertBefore(bar, pair);
    show("a");
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
