// Progressive enhancement for quiz pages: body-map marking and a polite countdown.
// Everything works without this file: the server enforces every rule.
(function () {
  "use strict";

  function setupHotspot(box) {
    var vb = box.dataset.viewbox.split(" ").map(Number);
    var image = box.querySelector(".hotspot-image");
    var marker = box.querySelector(".hotspot-marker");
    var xInput = box.querySelector(".hotspot-x");
    var yInput = box.querySelector(".hotspot-y");
    var stage = box.querySelector(".hotspot-stage");
    stage.style.width = "100%";
    stage.style.maxWidth = vb[2] + "px";
    // Screen readers pass the arrow keys through inside an application region. The role goes on
    // the drawing's box: an image input may not take it (ARIA in HTML), the box may.
    stage.setAttribute("role", "application");
    stage.setAttribute("aria-roledescription", "body map");
    stage.setAttribute("aria-label", image.alt.replace(/:.*$/, "")); // "Body map for question N"

    function show(x, y) {
      x = Math.min(Math.max(x, vb[0]), vb[0] + vb[2]);
      y = Math.min(Math.max(y, vb[1]), vb[1] + vb[3]);
      xInput.value = Math.round(x * 10) / 10;
      yInput.value = Math.round(y * 10) / 10;
      marker.hidden = false;
      marker.style.left = ((x - vb[0]) / vb[2]) * 100 + "%";
      marker.style.top = ((y - vb[1]) / vb[3]) * 100 + "%";
      image.setAttribute("aria-label", "Body map: marker at " + xInput.value + " across, " + yInput.value + " down");
    }

    image.addEventListener("click", function (event) {
      event.preventDefault();
      var rect = image.getBoundingClientRect();
      if (!event.clientX && !event.clientY) { return; } // keyboard "click": keep the marker
      show(vb[0] + ((event.clientX - rect.left) / rect.width) * vb[2],
           vb[1] + ((event.clientY - rect.top) / rect.height) * vb[3]);
    });
    image.addEventListener("keydown", function (event) {
      var step = (event.shiftKey ? 0.05 : 0.01) * vb[2];
      var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      var move = moves[event.key];
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); }
      if (!move) { return; }
      event.preventDefault();
      var x = xInput.value === "" ? vb[0] + vb[2] / 2 : Number(xInput.value);
      var y = yInput.value === "" ? vb[1] + vb[3] / 2 : Number(yInput.value);
      show(x + move[0], y + move[1]);
    });
    [xInput, yInput].forEach(function (input) {
      input.addEventListener("change", function () {
        if (xInput.value !== "" && yInput.value !== "") { show(Number(xInput.value), Number(yInput.value)); }
      });
    });
  }

  function setupTimer(timer) {
    var deadline = new Date(timer.dataset.deadline).getTime();
    var live = timer.querySelector(".timer-live");
    var lastAnnounced = null;
    function tick() {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var minutes = Math.ceil(left / 60);
      // Announce only at meaningful moments, not every second.
      var milestone = left === 0 ? 0 : (minutes <= 1 ? 1 : (minutes <= 5 ? 5 : Math.ceil(minutes / 5) * 5));
      if (milestone !== lastAnnounced) {
        live.textContent = left === 0 ? "Time is up: submit now; answers saved before the deadline count."
          : "About " + milestone + " minute" + (milestone === 1 ? "" : "s") + " left.";
        lastAnnounced = milestone;
      }
      if (left > 0) { setTimeout(tick, 1000); }
    }
    tick();
  }

  function setupAutosave(form) {
    var status = document.createElement("p");
    status.className = "meta autosave-status";
    status.setAttribute("aria-live", "polite");
    form.querySelector(".quiz-actions").appendChild(status);
    var dirty = false;
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("input", function () { dirty = true; });
    function save() {
      if (!dirty) { return; }
      dirty = false;
      var data = new FormData(form);
      data.set("action", "save");
      fetch(form.action || window.location.href, { method: "POST", body: data, credentials: "same-origin", headers: { "X-Autosave": "1" } })
        .then(function (response) {
          status.textContent = response.ok ? "Answers saved automatically." : "Could not save automatically; use the Save button.";
        })
        .catch(function () { status.textContent = "Offline: your answers will be saved when you press Save."; dirty = true; });
    }
    setInterval(save, 30000);
  }

  document.querySelectorAll(".hotspot").forEach(setupHotspot);
  document.querySelectorAll(".timer[data-deadline]").forEach(setupTimer);
  document.querySelectorAll("form.quiz-form").forEach(setupAutosave);
})();
