// Progressive enhancement of the review page: "j" or "n" moves to the next undecided passage (the
// page's own "Next undecided passage" links do the same without this script).
document.addEventListener("keydown", function (event) {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
    return;
  }
  if (event.key !== "j" && event.key !== "n") {
    return;
  }
  var target = event.target;
  if (target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName))) {
    return;
  }
  var passages = Array.prototype.slice.call(document.querySelectorAll("article.passage.undecided"));
  if (passages.length === 0) {
    return;
  }
  // The next one below the passage that has the focus, else below the top of the window.
  var current = document.activeElement && document.activeElement.closest
    ? document.activeElement.closest("article.passage") : null;
  var next = null;
  if (current) {
    next = passages.filter(function (p) {
      return current.compareDocumentPosition(p) & Node.DOCUMENT_POSITION_FOLLOWING;
    })[0] || null;
  } else {
    next = passages.filter(function (p) { return p.getBoundingClientRect().top > 1; })[0] || null;
  }
  next = next || passages[0];
  event.preventDefault();
  history.replaceState(null, "", "#" + next.id);
  next.focus();
  next.scrollIntoView({ block: "start" });
});
