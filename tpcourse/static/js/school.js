// Progressive enhancement for school pages: a "Copy" button beside read-only invite links and
// new API tokens. Without JavaScript the text is still selectable and copyable by hand.
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  document.querySelectorAll("input[data-copy]").forEach(function (input) {
    var button = document.createElement("button");
    var status = document.createElement("span");
    button.type = "button";
    button.className = "button small secondary copy-button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy " + (input.labels && input.labels[0] ? input.labels[0].textContent : "text"));
    status.className = "copy-status";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        status.textContent = "Copied";
      }, function () {
        input.select();
        status.textContent = "Press Ctrl+C to copy";
      });
    });
    input.insertAdjacentElement("afterend", status);
    input.insertAdjacentElement("afterend", button);
    input.addEventListener("focus", function () { input.select(); });
  });
}());
