// Tell the server the browser's time zone once, so deadlines and times show in local time.
// Loaded only while the account has no zone; a choice on the profile page is never overwritten.
(function () {
  "use strict";
  var form = document.querySelector("form.time-zone-report");
  var zone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!form || !zone || !window.fetch) { return; }
  form.querySelector('input[name="time_zone"]').value = zone;
  fetch(form.getAttribute("action"), { method: "POST", body: new FormData(form), credentials: "same-origin" })
    .catch(function () { /* offline: asked again on the next page */ });
})();
