// Deep linking: send the signed choice back to the LMS at once (the button does it without JS).
document.querySelectorAll("form[data-auto-submit]").forEach(function (form) { form.submit(); });
