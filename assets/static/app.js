// Progressive enhancement only: every page works without this script.
// A change in a selection menu applies it at once, so keyboard users need not reach the button
// (the button stays for those without JavaScript).
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.tagName === "SELECT" && field.form && field.form.classList.contains("selection")) {
    field.form.submit();
  }
});
