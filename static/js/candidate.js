/* Candidate page behaviour: keyboard rating, preview planes, GIF player,
 * light-curve zoom, nearby objects + SIMBAD, inline tags, copy buttons.
 * No inline scripts: everything is read from data- attributes. The page is
 * complete without this file; it only makes vetting faster.
 */
(function () {
  "use strict";

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

  /* ---- copy buttons ---- */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    document.body.removeChild(area);
    return Promise.resolve();
  }
  $all("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      copyText(button.getAttribute("data-copy")).then(function () {
        button.textContent = "Copied";
        window.setTimeout(function () { button.textContent = "Copy"; }, 1500);
      });
    });
  });

  /* ---- cube planes of the preview, and one stretch for both panels ---- */
  var sharedStretch = $("[data-shared-stretch]");
  function previewSrc(figure) {
    var image = $("[data-preview]", figure);
    var input = $("[data-plane-input]", figure);
    var query = [];
    if (input) { query.push("plane=" + input.value); }
    if (sharedStretch && sharedStretch.checked) { query.push("stretch=shared"); }
    var url = image.getAttribute("data-preview-url");
    return query.length ? url + "?" + query.join("&") : url;
  }
  $all("[data-viewer]").forEach(function (figure) {
    var control = $("[data-plane-control]", figure);
    var image = $("[data-preview]", figure);
    if (!control || !image) { return; }
    var input = $("[data-plane-input]", control);
    var label = $("[data-plane-label]", control);
    var total = Number(input.max) + 1;
    control.hidden = false;
    input.addEventListener("input", function () {
      image.src = previewSrc(figure);
      label.textContent = (Number(input.value) + 1) + " / " + total;
    });
  });
  if (sharedStretch) {
    sharedStretch.closest("[data-shared-stretch-toggle]").hidden = false;
    sharedStretch.addEventListener("change", function () {
      $all("[data-viewer]").forEach(function (figure) {
        if ($("[data-preview]", figure)) { $("[data-preview]", figure).src = previewSrc(figure); }
      });
      document.dispatchEvent(new CustomEvent("stretchchange"));
    });
  }

  /* ---- slices GIF player: frames served as PNGs ---- */
  var player = $("[data-gif-player]");
  if (player) {
    var frameCount = Number(player.getAttribute("data-frame-count"));
    var frameUrl = player.getAttribute("data-frame-url");
    var gifImage = $("[data-gif-image]", player);
    var slider = $("[data-gif-slider]", player);
    var gifLabel = $("[data-gif-label]", player);
    var toggle = $("[data-gif-toggle]", player);
    var current = 0;
    var timer = null;
    var urlOf = function (frame) { return frameUrl.replace("{frame}", String(frame)); };
    for (var i = 0; i < frameCount; i += 1) { new Image().src = urlOf(i); }
    var show = function (frame) {
      current = (frame + frameCount) % frameCount;
      gifImage.src = urlOf(current);
      slider.value = String(current);
      gifLabel.textContent = "frame " + (current + 1) + " / " + frameCount;
    };
    var pause = function () {
      if (timer) { window.clearInterval(timer); timer = null; }
      toggle.textContent = "Play";
    };
    var play = function () {
      pause();
      timer = window.setInterval(function () { show(current + 1); }, 400);
      toggle.textContent = "Pause";
    };
    toggle.addEventListener("click", function () { if (timer) { pause(); } else { play(); } });
    slider.addEventListener("input", function () { pause(); show(Number(slider.value)); });
    $all("[data-gif-step]", player).forEach(function (button) {
      button.addEventListener("click", function () {
        pause();
        show(current + Number(button.getAttribute("data-gif-step")));
      });
    });
    $("[data-gif-controls]", player).hidden = false;
    show(0);
    play();
  }

  /* ---- light-curve zoom: the server re-renders the SVG for a time range ---- */
  var chart = $("[data-lightcurve]");
  var zoomForm = $("[data-lc-zoom]");
  if (chart && zoomForm) {
    var svgUrl = chart.getAttribute("data-svg-url");
    var zoomError = $("[data-lc-error]", zoomForm);
    var loadChart = function (t0, t1) {
      var query = (t0 === null) ? "" : "?t0=" + t0.toFixed(2) + "&t1=" + t1.toFixed(2);
      zoomError.textContent = "";
      fetch(svgUrl + query, {credentials: "same-origin"}).then(function (response) {
        if (!response.ok) {
          return response.json().then(function (body) { throw new Error(body.error); });
        }
        return response.text();
      }).then(function (markup) {
        chart.innerHTML = markup;
        zoomForm.t0.value = t0 === null ? "" : t0.toFixed(1);
        zoomForm.t1.value = t1 === null ? "" : t1.toFixed(1);
      }).catch(function (error) { zoomError.textContent = error.message; });
    };
    var timeAt = function (svg, clientX) {
      var box = svg.getBoundingClientRect();
      var units = (clientX - box.left) / box.width * Number(svg.getAttribute("data-width"));
      var left = Number(svg.getAttribute("data-plot-left"));
      var width = Number(svg.getAttribute("data-plot-width"));
      var tMin = Number(svg.getAttribute("data-t-min"));
      var tMax = Number(svg.getAttribute("data-t-max"));
      var fraction = Math.min(1, Math.max(0, (units - left) / width));
      return {time: tMin + fraction * (tMax - tMin), x: left + fraction * width};
    };
    var dragStart = null;
    var selection = null;
    chart.addEventListener("mousedown", function (event) {
      var svg = $("svg", chart);
      if (!svg || !svg.hasAttribute("data-t-min")) { return; }
      event.preventDefault();
      dragStart = timeAt(svg, event.clientX);
      selection = document.createElementNS("http://www.w3.org/2000/svg", "rect");
      selection.setAttribute("class", "lc-selection");
      selection.setAttribute("y", "0");
      selection.setAttribute("height", "100%");
      selection.setAttribute("x", String(dragStart.x));
      selection.setAttribute("width", "0");
      svg.appendChild(selection);
    });
    chart.addEventListener("mousemove", function (event) {
      if (!dragStart) { return; }
      var here = timeAt($("svg", chart), event.clientX);
      selection.setAttribute("x", String(Math.min(here.x, dragStart.x)));
      selection.setAttribute("width", String(Math.abs(here.x - dragStart.x)));
    });
    window.addEventListener("mouseup", function (event) {
      if (!dragStart) { return; }
      var end = timeAt($("svg", chart), event.clientX);
      var start = dragStart;
      dragStart = null;
      if (selection) { selection.remove(); selection = null; }
      if (Math.abs(end.x - start.x) < 4) { return; }
      loadChart(Math.min(start.time, end.time), Math.max(start.time, end.time));
    });
    zoomForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var t0 = parseFloat(zoomForm.t0.value);
      var t1 = parseFloat(zoomForm.t1.value);
      if (isNaN(t0) || isNaN(t1)) { zoomError.textContent = "Enter both times in seconds."; return; }
      loadChart(t0, t1);
    });
    $("[data-lc-reset]", zoomForm).addEventListener("click", function () { loadChart(null, null); });
    zoomForm.hidden = false;
  }

  /* ---- "k of N" in the list, and "back to list" at the page that shows it ---- */
  var position = $("[data-position-url]");
  if (position) {
    fetch(position.getAttribute("data-position-url"), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (!answer) { return; }
        var back = $("#back-to-list");
        if (back && answer.list_url) { back.setAttribute("href", answer.list_url); }
        if (!answer.in_list) { return; }
        var about = answer.estimated ? "≈ " : "";
        position.textContent = about + answer.number.toLocaleString("en") + " of " +
          about + answer.total.toLocaleString("en");
        position.title = answer.estimated ?
          "Estimated: the list is too long to count exactly on every page" :
          "Position in the catalogue list";
      });
  }

  /* ---- nearby objects: local table re-fetched; SIMBAD loaded asynchronously ---- */
  var nearbyForm = $("[data-nearby-form]");
  if (nearbyForm) {
    var rows = $("[data-nearby-rows]");
    var notice = $("[data-simbad-notice]");
    var sortRows = function () {
      var all = $all("tr[data-separation]", rows);
      all.sort(function (a, b) {
        return Number(a.getAttribute("data-separation")) - Number(b.getAttribute("data-separation"));
      });
      all.forEach(function (row) { rows.appendChild(row); });
      var empty = $("[data-empty-row]", rows);
      if (empty) { empty.hidden = all.length > 0; }
    };
    var cell = function (row, text, className) {
      var td = document.createElement("td");
      if (className) { td.className = className; }
      if (text instanceof Node) { td.appendChild(text); } else { td.textContent = text; }
      row.appendChild(td);
    };
    var loadSimbad = function (radius) {
      notice.hidden = false;
      notice.textContent = "SIMBAD: searching…";
      fetch(nearbyForm.getAttribute("data-simbad-url") + "?radius=" + encodeURIComponent(radius),
        {credentials: "same-origin"}).then(function (response) {
        return response.json();
      }).then(function (body) {
        $all("tr[data-source=simbad]", rows).forEach(function (row) { row.remove(); });
        if (body.error || body.notice) {
          notice.textContent = body.error || body.notice;
          notice.classList.add("notice--warn");
          return;
        }
        notice.classList.remove("notice--warn");
        notice.textContent = "SIMBAD: " + body.objects.length + " object(s) within " + radius + " arcsec.";
        body.objects.forEach(function (item) {
          var row = document.createElement("tr");
          row.setAttribute("data-separation", item.separation_arcsec.toFixed(3));
          row.setAttribute("data-source", "simbad");
          cell(row, item.separation_arcsec.toFixed(2), "num");
          cell(row, "SIMBAD");
          var link = document.createElement("a");
          link.href = item.url;
          link.rel = "noopener";
          link.textContent = item.name;
          cell(row, link);
          cell(row, item.type || "—");
          rows.appendChild(row);
        });
        sortRows();
      }).catch(function () {
        notice.hidden = false;
        notice.textContent = "SIMBAD: could not be loaded.";
        notice.classList.add("notice--warn");
      });
    };
    nearbyForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var radius = nearbyForm.radius.value;
      fetch(nearbyForm.getAttribute("data-nearby-url") + "?radius=" + encodeURIComponent(radius),
        {credentials: "same-origin"}).then(function (response) {
        if (!response.ok) {
          return response.json().then(function (body) { throw new Error(body.error); });
        }
        return response.text();
      }).then(function (markup) {
        rows.innerHTML = markup;
        loadSimbad(radius);
      }).catch(function (error) {
        notice.hidden = false;
        notice.textContent = error.message;
        notice.classList.add("notice--warn");
      });
    });
    loadSimbad(nearbyForm.radius.value);
  }

  /* ---- inline "new tag" ---- */
  var ratingForm = $("#rating-form");
  var tagSelect = $("[data-tag-select]");
  var tagForm = $("[data-tag-create]");
  if (tagForm && tagSelect) {
    tagForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var error = $("[data-tag-error]", tagForm);
      error.textContent = "";
      fetch(tagForm.action, {
        method: "POST",
        body: new FormData(tagForm),
        credentials: "same-origin",
        headers: {"Accept": "application/json"}
      }).then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) { throw new Error(body.error || "The tag could not be created."); }
          return body;
        });
      }).then(function (tag) {
        var option = document.createElement("option");
        option.value = String(tag.id);
        option.textContent = tag.name;
        tagSelect.appendChild(option);
        tagSelect.value = String(tag.id);
        tagForm.elements.namedItem("name").value = "";
      }).catch(function (failure) { error.textContent = failure.message; });
    });
  }

  /* ---- keyboard: t f u, 1–9 (project order, 0 clears), s save, n rate & next / skip, ? help ---- */
  var help = $("#key-help");
  var showHelp = function (visible) { if (help) { help.hidden = !visible; } };
  $all("[data-help-open]").forEach(function (button) {
    button.addEventListener("click", function () { showHelp(help.hidden); });
  });
  $all("[data-help-close]").forEach(function (button) {
    button.addEventListener("click", function () { showHelp(false); });
  });
  if (help) {
    help.addEventListener("click", function (event) { if (event.target === help) { showHelp(false); } });
  }
  var labelKeys = {t: "true", f: "false", u: "unsure"};
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    var typing = target.matches && target.matches("textarea, input[type=text], input[type=number], input:not([type])");
    if (event.key === "Escape") {
      showHelp(false);
      if (typing) { target.blur(); }
      return;
    }
    if (typing) { return; }
    if (event.key === "?") { showHelp(help.hidden); event.preventDefault(); return; }
    if (!ratingForm) { return; }
    var key = event.key.toLowerCase();
    if (labelKeys[key]) {
      var radio = $("input[name=label][value=" + labelKeys[key] + "]", ratingForm);
      if (radio) { radio.checked = true; event.preventDefault(); }
    } else if (/^[0-9]$/.test(key) && tagSelect) {
      // The project's key order: each keyed option says its key; 0 clears.
      var option = key === "0" ? tagSelect.options[0] : $("option[data-key='" + key + "']", tagSelect);
      if (option) {
        tagSelect.value = option.value;
        event.preventDefault();
      }
    } else if (key === "s") {
      event.preventDefault();
      ratingForm.requestSubmit($("[data-save-button]", ratingForm));
    } else if (key === "n") {
      event.preventDefault();
      if ($("input[name=label]:checked", ratingForm)) {
        ratingForm.requestSubmit($("[data-next-button]", ratingForm));
      } else {
        window.location.href = ratingForm.getAttribute("data-skip-url");
      }
    }
  });
}());

/* ---- prefetch what `n` opens next, so the next candidate paints at once ----
 * Once the page is idle, the browser prefetches my next unrated candidate's
 * page (the target of `n` and of "Rate & next"). A prefetched page was made
 * before this rating is saved, so it cannot carry the "saved" message: the
 * form then asks the server for none, and the next page shows it instead.
 */
(function () {
  "use strict";
  var form = document.getElementById("rating-form");
  if (!form || !document.createElement("link").relList.supports("prefetch")) { return; }
  var NOTE_KEY = "portal:saved-note";
  var note = window.sessionStorage.getItem(NOTE_KEY);
  if (note) {
    window.sessionStorage.removeItem(NOTE_KEY);
    var list = document.querySelector(".messages");
    if (!list) {
      list = document.createElement("ul");
      list.className = "messages";
      var main = document.getElementById("main");
      main.insertBefore(list, main.firstChild);
    }
    var item = document.createElement("li");
    item.className = "message message-success";
    item.textContent = note;
    list.appendChild(item);
  }
  var prefetch = function () {
    // Ask where `n` leads (JSON), then prefetch that page itself: a redirect
    // in between would not be taken from the prefetch cache.
    fetch(form.getAttribute("data-skip-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : {url: null}; })
      .then(function (answer) {
        if (!answer.url) { return; }
        var link = document.createElement("link");
        link.rel = "prefetch";
        link.href = answer.url;
        document.head.appendChild(link);
        form.setAttribute("data-skip-url", answer.url);
      });
    var quiet = document.createElement("input");
    quiet.type = "hidden";
    quiet.name = "message";
    quiet.value = "next-page";
    form.appendChild(quiet);
    form.addEventListener("submit", function (event) {
      var action = event.submitter && event.submitter.value;
      if (action === "next") {
        window.sessionStorage.setItem(NOTE_KEY, "Rating of " + form.getAttribute("data-candidate-name") + " saved.");
      } else {
        quiet.remove();  // "Save" stays on this page, which shows the message
      }
    });
  };
  if (window.requestIdleCallback) {
    window.requestIdleCallback(prefetch, {timeout: 1500});
  } else {
    window.setTimeout(prefetch, 300);
  }
}());
