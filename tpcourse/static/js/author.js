// Progressive enhancement for the authoring studio. Every page works without this file:
// region numbers are typed in fields, previews come from the Preview button.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";

  // ---- Hotspot region editor: click the body map to place circles, rectangles, polygons.
  function setupRegionEditor(editor) {
    var form = editor.closest("form");
    var images = JSON.parse(editor.dataset.images || "{}");
    var assetBase = editor.dataset.assetBase || "/assets/";
    var imageSelect = form.querySelector("select[name='image']");
    var help = editor.querySelector(".editor-help");
    var active = null;
    if (help) { help.hidden = false; }

    function rows() { return Array.prototype.slice.call(form.querySelectorAll(".region-row")); }
    function input(row, key) { return row.querySelector("[name$='-" + key + "']"); }
    function shape(row) { return input(row, "shape").value; }
    function viewBox() { return images[imageSelect.value] || null; }

    function canvas() {
      var svg = editor.querySelector("svg.region-canvas");
      var box = viewBox();
      if (!box) { if (svg) { svg.remove(); } return null; }
      if (!svg) {
        svg = document.createElementNS(SVG, "svg");
        svg.setAttribute("class", "hotspot-review region-canvas");
        svg.setAttribute("role", "img");
        svg.setAttribute("aria-label", "The body map with the regions outlined");
        svg.appendChild(document.createElementNS(SVG, "image"));
        var placeholder = editor.querySelector("p.muted");
        if (placeholder) { placeholder.remove(); }
        editor.insertBefore(svg, editor.firstChild);
        svg.addEventListener("click", place);
      }
      svg.setAttribute("viewBox", box.join(" "));
      var image = svg.querySelector("image");
      image.setAttribute("href", assetBase + encodeURIComponent(imageSelect.value));
      ["x", "y", "width", "height"].forEach(function (key, i) { image.setAttribute(key, box[i]); });
      return svg;
    }

    function number(row, key) {
      var value = parseFloat((input(row, key) || {}).value);
      return isFinite(value) ? value : null;
    }

    function draw() {
      var svg = canvas();
      if (!svg) { return; }
      svg.querySelectorAll(".region, .draft-point").forEach(function (el) { el.remove(); });
      rows().forEach(function (row, index) {
        var el = null;
        if (shape(row) === "circle" && number(row, "cx") !== null && number(row, "cy") !== null && number(row, "r")) {
          el = document.createElementNS(SVG, "circle");
          el.setAttribute("cx", number(row, "cx")); el.setAttribute("cy", number(row, "cy")); el.setAttribute("r", number(row, "r"));
        } else if (shape(row) === "rect" && number(row, "x") !== null && number(row, "y") !== null && number(row, "width") && number(row, "height")) {
          el = document.createElementNS(SVG, "rect");
          ["x", "y", "width", "height"].forEach(function (k) { el.setAttribute(k, number(row, k)); });
        } else if (shape(row) === "polygon" && input(row, "points").value.trim()) {
          el = document.createElementNS(SVG, "polygon");
          el.setAttribute("points", input(row, "points").value.trim());
        }
        if (el) { el.setAttribute("class", "region"); svg.appendChild(el); label(svg, el, index + 1); }
      });
    }

    // Number each region at its centre, as the server-drawn overlay and `content regions` do.
    function label(svg, el, number) {
      var box = el.getBBox ? el.getBBox() : null;
      if (!box) { return; }
      var text = document.createElementNS(SVG, "text");
      text.setAttribute("class", "region region-label");
      text.setAttribute("x", box.x + box.width / 2);
      text.setAttribute("y", box.y + box.height / 2);
      text.textContent = String(number);
      svg.appendChild(text);
    }

    function activate(row) {
      rows().forEach(function (r) { r.classList.toggle("is-active", r === row); });
      active = row;
    }

    function round(value) { return Math.round(value * 10) / 10; }

    function place(event) {
      var svg = event.currentTarget;
      var row = active || rows()[rows().length - 1];
      var box = viewBox();
      if (!row || !box) { return; }
      var point = svg.createSVGPoint();
      point.x = event.clientX; point.y = event.clientY;
      var at = point.matrixTransform(svg.getScreenCTM().inverse());
      var x = round(at.x), y = round(at.y);
      if (shape(row) === "circle") {
        input(row, "cx").value = x; input(row, "cy").value = y;
        if (!number(row, "r")) { input(row, "r").value = round(Math.max(box[2], box[3]) * 0.05); }
      } else if (shape(row) === "rect") {
        if (number(row, "x") === null || number(row, "width")) {
          input(row, "x").value = x; input(row, "y").value = y; input(row, "width").value = ""; input(row, "height").value = "";
        } else {
          var left = Math.min(x, number(row, "x")), top = Math.min(y, number(row, "y"));
          input(row, "width").value = round(Math.abs(x - number(row, "x")));
          input(row, "height").value = round(Math.abs(y - number(row, "y")));
          input(row, "x").value = left; input(row, "y").value = top;
        }
      } else {
        var points = input(row, "points");
        points.value = (points.value.trim() + " " + x + "," + y).trim();
      }
      activate(row);
      draw();
    }

    function addRow(event) {
      var last = rows()[rows().length - 1];
      if (!last) { return; } // none to copy: let the button ask the server for one
      event.preventDefault();
      var index = Number(last.dataset.index) + 1;
      var copy = last.cloneNode(true);
      copy.dataset.index = index;
      copy.querySelectorAll("[id], [name], [for], [aria-labelledby], [aria-describedby], [value]").forEach(function (el) {
        ["id", "name", "for", "aria-labelledby", "aria-describedby"].forEach(function (attr) {
          if (el.hasAttribute(attr)) { el.setAttribute(attr, el.getAttribute(attr).replace(/regions-\d+-/g, "regions-" + index + "-")); }
        });
        if (el.tagName === "BUTTON") { el.value = "remove:regions:" + index; el.textContent = numbered(editor.dataset.removeLabel || "Remove region {n}", index + 1); }
      });
      copy.querySelectorAll("input").forEach(function (el) { el.value = ""; el.removeAttribute("aria-invalid"); });
      copy.querySelectorAll(".error").forEach(function (el) { el.remove(); });
      var title = copy.querySelector(".row-title");
      if (title) { title.textContent = numbered(editor.dataset.regionLabel || "Region {n}", index + 1); }
      last.parentNode.insertBefore(copy, last.nextSibling);
      activate(copy);
      input(copy, "shape").focus();
    }

    form.addEventListener("focusin", function (event) {
      var row = event.target.closest(".region-row");
      if (row) { activate(row); }
    });
    form.addEventListener("input", function (event) { if (event.target.closest(".region-row")) { draw(); } });
    form.addEventListener("change", function (event) { if (event.target.closest(".region-row")) { draw(); } });
    imageSelect.addEventListener("change", draw);
    var addButton = form.querySelector(".add-region");
    if (addButton) { addButton.addEventListener("click", addRow); }
    var svg = editor.querySelector("svg.region-canvas");
    if (svg) { svg.addEventListener("click", place); }
    if (rows().length) { activate(rows()[rows().length - 1]); }
    draw();
  }

  // A label in the page's language with "{n}" where the number goes (data-* from the template).
  function numbered(label, n) { return label.replace("{n}", String(n)); }

  // ---- Lesson editor: a live preview rendered (and sanitised) by the server.
  function setupLessonPreview(section) {
    var form = document.querySelector("form.lesson-form");
    var body = form && form.querySelector("textarea[name='body']");
    var target = section.querySelector(".preview-body");
    if (!body || !target) { return; }
    var timer = null, sent = 0;
    var hint = section.querySelector(".hint");
    if (hint) { hint.textContent = section.dataset.liveHint || "As trainees will see it; it follows your typing."; }
    function refresh() {
      var data = new FormData();
      var token = form.querySelector("input[name='csrf_token']");
      if (token) { data.append("csrf_token", token.value); }
      data.append("body", body.value);
      var mine = ++sent;
      fetch(section.dataset.previewUrl, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) { if (mine === sent) { target.innerHTML = html; } })
        .catch(function () { if (hint) { hint.textContent = section.dataset.unavailableHint || "The live preview is unavailable; press Preview."; } });
    }
    body.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 500);
    });
  }

  document.querySelectorAll(".region-editor").forEach(setupRegionEditor);
  document.querySelectorAll(".lesson-preview[data-preview-url]").forEach(setupLessonPreview);
})();
