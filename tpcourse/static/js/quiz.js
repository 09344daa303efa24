// Progressive enhancement for quiz pages: body-map marking, a polite countdown, autosave, the
// navigator's live state and the confirmation before submitting.
// Everything works without this file: the server enforces every rule, and every control is a
// plain form button or link.
(function () {
  "use strict";

  var coarse = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
  var fine = window.matchMedia && window.matchMedia("(any-pointer: fine)").matches;

  // The page's words, in its language: quiz/_words.html writes them hidden; English if absent.
  var WORDS = {
    tap_hint: "Tap the drawing where you would press; tap again to move the mark.",
    click_hint: "Click the drawing to mark your answer. With a keyboard: focus the drawing, then move the marker with the arrow keys (hold Shift for bigger steps).",
    click_or_tap_hint: "Click or tap the drawing to mark your answer. With a keyboard: focus the drawing, then move the marker with the arrow keys (hold Shift for bigger steps).",
    time_up: "Time is up",
    seconds_left: "%(n)s s left",
    minutes_left: "%(n)s min left",
    minute: "%(n)s minute",
    minutes: "%(n)s minutes",
    under_a_minute: "less than a minute",
    no_time: "no time",
    time_up_summary: "Time is up: your saved answers are being graded.",
    time_up_attempt: "Time is up: submit now; answers saved before the deadline count.",
    about_minute_left: "About %(n)s minute left.",
    about_minutes_left: "About %(n)s minutes left.",
    question_answered: "Question %(n)s: answered",
    question_answered_flagged: "Question %(n)s: answered, flagged",
    question_unanswered: "Question %(n)s: not answered",
    question_unanswered_flagged: "Question %(n)s: not answered, flagged",
    answered_count: "Answered %(done)s of %(total)s.",
    autosaved: "Answers saved automatically.",
    autosave_failed: "Could not save automatically; use the Save button.",
    offline: "Offline: your answers will be saved when you press Save.",
    marker_at: "Body map: marker at %(x)s across, %(y)s down"
  };
  document.querySelectorAll("#quiz-words [id^='quiz-word-']").forEach(function (word) {
    WORDS[word.id.slice("quiz-word-".length)] = word.textContent;
  });

  function say(key, values) {
    return WORDS[key].replace(/%\((\w+)\)s/g, function (whole, name) {
      return values && name in values ? String(values[name]) : whole;
    });
  }

  function changed(input) {
    // Values set from script fire no event: tell the autosave and the navigator.
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function hotspotHint() {
    if (coarse && !fine) {
      return say("tap_hint");
    }
    return say(coarse ? "click_or_tap_hint" : "click_hint");
  }

  function setupHotspot(box) {
    var vb = box.dataset.viewbox.split(" ").map(Number);
    var image = box.querySelector(".hotspot-image");
    var marker = box.querySelector(".hotspot-marker");
    var xInput = box.querySelector(".hotspot-x");
    var yInput = box.querySelector(".hotspot-y");
    var stage = box.querySelector(".hotspot-stage");
    var hint = box.querySelector(".hint");
    if (hint) { hint.textContent = hotspotHint(); } // speaks to this device, not to a page without script
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
      image.setAttribute("aria-label", say("marker_at", { x: xInput.value, y: yInput.value }));
      changed(xInput);
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
      input.addEventListener("change", function (event) {
        if (event.isTrusted && xInput.value !== "" && yInput.value !== "") { show(Number(xInput.value), Number(yInput.value)); }
      });
    });
  }

  function clockText(seconds) {
    if (seconds <= 0) { return say("time_up"); }
    if (seconds < 60) { return say("seconds_left", { n: seconds }); }
    return say("minutes_left", { n: Math.ceil(seconds / 60) });
  }

  function setupTimer(timer) {
    // Count down from the time left by the server's clock when the page was made (the
    // browser's clock may be wrong); the deadline itself is only a fallback.
    var shown = timer.querySelector("time.time-left");
    var match = shown && /^PT(\d+)S$/.exec(shown.getAttribute("datetime"));
    var deadline = match ? Date.now() + Number(match[1]) * 1000 : new Date(timer.dataset.deadline).getTime();
    var live = timer.querySelector(".timer-live");
    var clock = document.querySelector(".bar-clock");
    var summary = timer.classList.contains("summary-timer");
    var lastAnnounced = null;
    function tick() {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000)); // seconds
      var minutes = Math.ceil(left / 60);
      if (clock) { clock.textContent = clockText(left); }
      if (shown) { shown.textContent = left >= 60 ? say(minutes === 1 ? "minute" : "minutes", { n: minutes }) : say(left > 0 ? "under_a_minute" : "no_time"); }
      // Announce only at meaningful moments, not every second.
      var milestone = left === 0 ? 0 : (minutes <= 1 ? 1 : (minutes <= 5 ? 5 : Math.ceil(minutes / 5) * 5));
      if (milestone !== lastAnnounced) {
        live.textContent = left === 0
          ? say(summary ? "time_up_summary" : "time_up_attempt")
          : say(milestone === 1 ? "about_minute_left" : "about_minutes_left", { n: milestone });
        lastAnnounced = milestone;
        live.classList.toggle("sr-only", left > 0); // shown, not only spoken, once time is up
      }
      if (left > 0) {
        setTimeout(tick, 1000);
      } else if (summary) {
        // The server grades what was saved once the deadline and its grace have passed: ask
        // for the page again then, and it shows the result.
        setTimeout(function () { window.location.reload(); }, 31000);
      }
    }
    tick();
  }

  function isAnswered(box) {
    var hotspot = box.querySelector(".hotspot");
    if (hotspot) {
      return hotspot.querySelector(".hotspot-x").value !== "" && hotspot.querySelector(".hotspot-y").value !== "";
    }
    var fields = box.querySelectorAll("input, select, textarea");
    for (var i = 0; i < fields.length; i += 1) {
      var field = fields[i];
      if (field.name === "flag" || field.type === "hidden" || field.type === "image") { continue; }
      if (field.type === "radio" || field.type === "checkbox") {
        if (field.checked) { return true; }
      } else if (field.value.trim() !== "") {
        return true;
      }
    }
    return false;
  }

  function setupNavigator(form) {
    var nav = form.querySelector(".navigator");
    if (!nav) { return; }
    var total = nav.querySelectorAll(".nav-q").length;
    var count = nav.querySelector(".answered-count strong");
    var liveCount = document.createElement("p");
    liveCount.className = "sr-only";
    liveCount.setAttribute("aria-live", "polite");
    nav.appendChild(liveCount);

    function itemFor(box) {
      return nav.querySelector('a[href="#' + box.id + '"]');
    }

    function refresh(box, announce) {
      var item = itemFor(box);
      if (!item) { return; }
      var answered = isAnswered(box);
      var flag = box.querySelector('input[name="flag"]');
      var flagged = Boolean(flag && flag.checked);
      item.classList.toggle("answered", answered);
      item.classList.toggle("flagged", flagged);
      var label = (answered ? "question_answered" : "question_unanswered") + (flagged ? "_flagged" : "");
      item.querySelector(".nav-label").textContent = say(label, { n: box.id.replace(/^q(\d+)-box$/, "$1") });
      var done = nav.querySelectorAll(".nav-q.answered").length;
      if (count && count.textContent !== String(done)) {
        count.textContent = String(done);
        if (announce) { liveCount.textContent = say("answered_count", { done: done, total: total }); }
      }
    }

    var boxes = form.querySelectorAll("fieldset.question");
    boxes.forEach(function (box) {
      box.addEventListener("change", function () { refresh(box, true); });
      box.addEventListener("input", function () { refresh(box, false); });
      box.addEventListener("focusin", function () { markCurrent(box); });
    });

    function markCurrent(box) {
      nav.querySelectorAll(".nav-q.current").forEach(function (item) {
        item.classList.remove("current");
        item.removeAttribute("aria-current");
      });
      var item = itemFor(box);
      if (item) {
        item.classList.add("current");
        item.setAttribute("aria-current", "location");
      }
    }

    if ("IntersectionObserver" in window) {
      var visible = new Map();
      var observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) { visible.set(entry.target, entry.intersectionRatio); });
        var best = null;
        boxes.forEach(function (box) {
          if ((visible.get(box) || 0) > 0 && (best === null || (visible.get(box) || 0) > (visible.get(best) || 0))) { best = box; }
        });
        if (best) { markCurrent(best); }
      }, { threshold: [0, 0.25, 0.5, 0.75, 1] });
      boxes.forEach(function (box) { observer.observe(box); });
    }
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
      // getAttribute: `form.action` would be the buttons named "action", not the address.
      fetch(form.getAttribute("action") || window.location.href, { method: "POST", body: data, credentials: "same-origin", headers: { "X-Autosave": "1" } })
        .then(function (response) {
          status.textContent = say(response.ok ? "autosaved" : "autosave_failed");
        })
        .catch(function () { status.textContent = say("offline"); dirty = true; });
    }
    // A flag is saved at once: the summary page should show it even if the tab is closed.
    form.addEventListener("change", function (event) {
      if (event.target.name === "flag") { save(); }
    });
    setInterval(save, 30000);
  }

  function setupConfirm(form) {
    var dialog = document.querySelector(".confirm-dialog");
    var button = form.querySelector('button[value="finish"]');
    if (!dialog || !button || typeof dialog.showModal !== "function") { return; }
    var confirmed = false;
    form.addEventListener("submit", function (event) {
      if (confirmed) { return; }
      event.preventDefault();
      dialog.showModal();
      dialog.querySelector(".confirm-cancel").focus(); // the safe choice has the focus
    });
    dialog.querySelector(".confirm-cancel").addEventListener("click", function () {
      dialog.close();
      button.focus();
    });
    dialog.querySelector(".confirm-submit").addEventListener("click", function () {
      confirmed = true;
      dialog.close();
      if (form.requestSubmit) {
        form.requestSubmit(button);
      } else {
        var action = document.createElement("input");
        action.type = "hidden";
        action.name = "action";
        action.value = "finish";
        form.appendChild(action);
        form.submit();
      }
    });
  }

  document.querySelectorAll(".hotspot").forEach(setupHotspot);
  document.querySelectorAll(".timer[data-deadline]").forEach(setupTimer);
  document.querySelectorAll("form.quiz-form").forEach(function (form) {
    setupNavigator(form);
    setupAutosave(form);
  });
  document.querySelectorAll("form.finish-form").forEach(setupConfirm);
})();
