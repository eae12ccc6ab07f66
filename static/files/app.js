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
