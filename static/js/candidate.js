/* Candidate page behaviour: keyboard rating, preview planes, GIF player,
 * light-curve zoom, nearby objects + SIMBAD, inline tags, copy buttons, and
 * the swap to the next candidate without a page load.
 * No inline scripts: everything is read from data- attributes. The page is
 * complete without this file (plain forms and links); it only makes vetting
 * faster.
 *
 * The next candidate is shown by swapping in its page: while the rater looks
 * at this one, the script fetches the page `n` leads to (one render per
 * view). On `n` it posts the rating (JSON answer: the saved state and the
 * next URL), and if that URL is the page it fetched, it replaces <main> with
 * that page's, sets the title and the history entry, and starts the page's
 * behaviour again. Any other answer gets a fresh fetch (or a full load), so
 * the page shown is always the one the server chose.
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
  /* Start the behaviour of the candidate page shown in <main>; `signal`
   * aborts when that page is swapped out (its window listeners, its timers). */
  function initPage(signal) {
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
      signal.addEventListener("abort", pause);
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
      }, {signal: signal});
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

    $all("[data-help-open]").forEach(function (button) {
      button.addEventListener("click", function () { var help = $("#key-help"); showHelp(help.hidden); });
    });
    $all("[data-help-close]").forEach(function (button) {
      button.addEventListener("click", function () { showHelp(false); });
    });
    var help = $("#key-help");
    if (help) {
      help.addEventListener("click", function (event) { if (event.target === help) { showHelp(false); } });
    }
    if (ratingForm) {
      ratingForm.addEventListener("submit", function (event) {
        // "Rate & next" (button or `n`) goes through the swap; "Save" stays a form.
        if (event.submitter && event.submitter.value === "next") {
          event.preventDefault();
          rateAndNext(ratingForm);
        }
      });
    }
    [["#next-link", false], ["#previous-link", false], ["#skip-link", true]].forEach(function (pair) {
      var link = $(pair[0]);
      if (!link) { return; }
      link.addEventListener("click", function (event) {
        if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
        event.preventDefault();
        if (pair[1]) { skipToNext(); } else { openPage(link.href); }
      });
    });
  }

  /* ---- keyboard: t f u, 1–9 (project order, 0 clears), s save, n rate & next / skip, ? help ---- */
  function showHelp(visible) {
    var help = $("#key-help");
    if (help) { help.hidden = !visible; }
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
    var help = $("#key-help");
    if (event.key === "?") { if (help) { showHelp(help.hidden); } event.preventDefault(); return; }
    var key = event.key.toLowerCase();
    if (!$("#rating-form") || !/^[tfu0-9sn]$/.test(key)) { return; }
    event.preventDefault();
    if (key === "n" && event.repeat) { return; }  // one candidate per press
    if (busy) {
      typedAhead.push(key);  // meant for the candidate on its way
    } else {
      ratingKey(key);
    }
  });

  /* One rating key, on the candidate shown. */
  function ratingKey(key) {
    var ratingForm = $("#rating-form");
    var tagSelect = $("[data-tag-select]");
    if (labelKeys[key]) {
      var radio = $("input[name=label][value=" + labelKeys[key] + "]", ratingForm);
      if (radio) { radio.checked = true; }
    } else if (/^[0-9]$/.test(key) && tagSelect) {
      // The project's key order: each keyed option says its key; 0 clears.
      var option = key === "0" ? tagSelect.options[0] : $("option[data-key='" + key + "']", tagSelect);
      if (option) { tagSelect.value = option.value; }
    } else if (key === "s") {
      ratingForm.requestSubmit($("[data-save-button]", ratingForm));
    } else if (key === "n") {
      if ($("input[name=label]:checked", ratingForm)) {
        rateAndNext(ratingForm);
      } else {
        skipToNext();
      }
    }
  }

  /* Keys pressed while the next candidate was on its way apply to it. */
  var typedAhead = [];
  function replayTypedAhead() {
    while (typedAhead.length && !busy) { ratingKey(typedAhead.shift()); }
  }

  /* ---- the next candidate without a page load ---- */
  var FRESH_MS = 60000;   // an older fetched page is fetched again: its team votes may have moved
  var page = null;        // {url, controller} of the candidate shown
  var ahead = null;       // {url, at, loaded: Promise of {url, doc}} of the page `n` leads to
  var busy = false;       // a rating or a swap is on its way

  function absolute(url) { return new URL(url, window.location.href).href.split("#")[0]; }

  function fetchPage(url) {
    return fetch(url, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text().then(function (markup) {
          return {url: absolute(response.url), doc: new DOMParser().parseFromString(markup, "text/html")};
        });
      });
  }

  function candidateMain(doc) {
    var main = doc.getElementById("main");
    return main && main.classList.contains("candidate-page") && $("#rating-form", main) ? main : null;
  }

  function warmImages(doc) {
    // The images of the page fetched ahead come from the cache once it is shown.
    $all("#main img[src]", doc).forEach(function (image) { new Image().src = image.getAttribute("src"); });
  }

  function fetchAhead() {
    var form = $("#rating-form");
    if (!form) { return; }
    var shown = page;
    fetch(form.getAttribute("data-skip-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : {url: null}; })
      .then(function (answer) {
        if (!answer.url || page !== shown) { return; }
        var url = absolute(answer.url);
        var loaded = fetchPage(url);
        ahead = {url: url, at: Date.now(), loaded: loaded};
        loaded.then(function (result) { if (candidateMain(result.doc)) { warmImages(result.doc); } }, function () {});
      }).catch(function () {});
  }

  function scheduleAhead() {
    if (window.requestIdleCallback) {
      window.requestIdleCallback(fetchAhead, {timeout: 500});
    } else {
      window.setTimeout(fetchAhead, 100);
    }
  }

  function startPage(url) {
    if (page) { page.controller.abort(); }
    page = {url: url, controller: new AbortController()};
    ahead = null;
    initPage(page.controller.signal);
    scheduleAhead();
  }

  function addMessage(text) {
    var main = document.getElementById("main");
    var list = $(".messages", main);
    if (!list) {
      list = document.createElement("ul");
      list.className = "messages";
      main.insertBefore(list, main.firstChild);
    }
    var item = document.createElement("li");
    item.className = "message message-success";
    item.textContent = text;
    list.appendChild(item);
  }

  /* Show the page `loaded` in place of this one (or load it, if it is not a
   * candidate page); `push` adds a history entry for it. */
  function swapIn(loaded, push, message) {
    var fresh = candidateMain(loaded.doc);
    if (!fresh) { window.location.assign(loaded.url); return; }
    document.getElementById("main").replaceWith(document.adoptNode(fresh));
    document.title = loaded.doc.title;
    if (push) { window.history.pushState({candidatePage: true}, "", loaded.url); }
    window.scrollTo(0, 0);
    if (message) { addMessage(message); }
    // The page's behaviour starts once the candidate has painted (as scripts
    // run after a loaded page's first paint); keys pressed meanwhile wait.
    busy = true;
    window.requestAnimationFrame(function () {
      window.setTimeout(function () {
        startPage(loaded.url);
        document.dispatchEvent(new CustomEvent("candidate:swapped"));
        busy = false;
        replayTypedAhead();
      }, 0);
    });
  }

  /* Open `url` (a candidate page, possibly through a redirect): the page
   * fetched ahead if it is that very URL and recent, else a fresh fetch; a
   * failed fetch falls back to a full load. */
  function openPage(url, message) {
    var target = absolute(url);
    var useAhead = ahead && ahead.url === target && Date.now() - ahead.at < FRESH_MS;
    var loaded = useAhead ? ahead.loaded.catch(function () { return fetchPage(target); }) : fetchPage(target);
    busy = true;
    return loaded.then(function (result) {
      swapIn(result, true, message);
    }).catch(function () {
      busy = false;
      window.location.assign(target);
    });
  }

  function ratingError(form, text) {
    if (text) { typedAhead = []; }  // keys typed after a failure are not replayed
    var box = $("[data-rating-error]", form);
    box.textContent = text;
    box.hidden = !text;
  }

  /* Post the rating, then open the next candidate the server names. The
   * form keeps what the rater entered when the rating is not saved. */
  function rateAndNext(form) {
    if (busy) { return; }
    busy = true;
    ratingError(form, "");
    var body = new FormData(form);
    body.set("action", "next");
    // (form.action would be its buttons named "action")
    fetch(form.getAttribute("action"), {method: "POST", body: body, credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          busy = false;
          if (response.ok && answer.url) {
            if (answer.next_candidate === null) { window.location.assign(answer.url); return; }
            openPage(answer.url, answer.message);
            return;
          }
          var text = answer.error || "The rating was not saved (the portal answered " + response.status + ").";
          if (answer.errors) {
            text = Object.keys(answer.errors).map(function (field) {
              var name = field === "__all__" ? "" : field.charAt(0).toUpperCase() + field.slice(1) + ": ";
              return name + answer.errors[field].join(" ");
            }).join(" ");
          }
          ratingError(form, text);
        });
      })
      .catch(function () {
        busy = false;
        ratingError(form, "The rating was not saved: the portal could not be reached. Try again.");
      });
  }

  /* `n` without a label: ask where it leads now, then open that page. */
  function skipToNext() {
    var form = $("#rating-form");
    if (busy || !form) { return; }
    var skipUrl = form.getAttribute("data-skip-url");
    busy = true;
    fetch(skipUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        busy = false;
        if (answer.url) { openPage(answer.url); } else { window.location.assign(skipUrl); }
      })
      .catch(function () { busy = false; window.location.assign(skipUrl); });
  }

  // Back and forward between swapped candidates show the page of that entry.
  window.addEventListener("popstate", function (event) {
    if (!event.state || !event.state.candidatePage || !page) { return; }
    var url = absolute(window.location.href);
    if (url === page.url) { return; }  // only the #fragment changed
    fetchPage(url).then(function (result) { swapIn(result, false); })
      .catch(function () { window.location.reload(); });
  });

  window.history.replaceState({candidatePage: true}, "", window.location.href);
  startPage(absolute(window.location.href));

}());
