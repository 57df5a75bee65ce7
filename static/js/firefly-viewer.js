/* Firefly embedding for the candidate page.
 *
 * Loaded BEFORE FIREFLY_URL/firefly_loader.js: it defines
 * window.onFireflyLoaded, which the loader calls once the API is ready.
 * The server-rendered zscale preview stays visible until then; if the loader
 * fails or does not call back within config.timeoutMs, the preview simply
 * stays and the status line says why.
 */
(function () {
  "use strict";
  var configElement = document.getElementById("viewer-config");
  if (!configElement) { return; }
  var config = JSON.parse(configElement.textContent);
  var settled = false;

  function setStatus(text) {
    document.querySelectorAll("[data-viewer] [data-viewer-status]").forEach(function (status) {
      if (status.textContent.trim()) { status.textContent = text; }
    });
  }

  function fallBack(reason) {
    if (settled) { return; }
    settled = true;
    fallbackReason = reason;
    document.body.setAttribute("data-image-viewer", "preview");
    setStatus("zscale preview (" + reason + ")");
  }

  var timer = window.setTimeout(function () {
    fallBack("Firefly did not respond");
  }, config.timeoutMs || 4000);

  window.addEventListener("error", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("script[data-firefly-loader]")) {
      window.clearTimeout(timer);
      fallBack("Firefly is unreachable");
    }
  }, true);

  // The stretch the previews use: "cube" (each file's zscale over all its
  // planes) or "shared" (one zscale over the deep cutout and the cube),
  // chosen by the page's [data-shared-stretch] checkbox.
  function stretchName() {
    var box = document.querySelector("[data-shared-stretch]");
    return box && box.checked ? "shared" : "cube";
  }

  // Firefly gets the very limits the preview uses, as an absolute linear
  // range (90 = absolute, 44 = linear); with no limits known, its zscale.
  function rangeValues(firefly, viewer, stretch) {
    var limits = viewer.ranges && (viewer.ranges[stretch] || viewer.ranges.cube);
    var make = firefly.util.image.RangeValues.makeRV;
    if (!limits) { return make({which: 91, algorithm: 44}).toJSON(); }
    return make({lowerWhich: 90, lowerValue: limits[0],
                 upperWhich: 90, upperValue: limits[1], algorithm: 44}).toJSON();
  }

  function showAll(firefly) {
    var stretch = stretchName();
    config.viewers.forEach(function (viewer) {
      var box = document.getElementById(viewer.div);
      if (!box) { return; }
      var figure = box.closest("[data-viewer]");
      box.hidden = false;
      figure.querySelectorAll("[data-preview], [data-plane-control]").forEach(function (element) {
        element.hidden = true;
      });
      var request = {plotId: viewer.plotId, Title: viewer.title,
                     RangeValues: rangeValues(firefly, viewer, stretch)};
      if (viewer.url) { request.URL = viewer.url; } else { request.File = viewer.file; }
      firefly.showImage(viewer.div, request);
    });
  }

  var loadedApi = null;
  var fallbackReason = null;

  // The page script swapped in the next candidate: its own files and limits.
  document.addEventListener("candidate:swapped", function () {
    var fresh = document.getElementById("viewer-config");
    if (fresh) { config = JSON.parse(fresh.textContent); }
    if (loadedApi) {
      showAll(loadedApi);
      setStatus("Firefly");
    } else if (fallbackReason) {
      setStatus("zscale preview (" + fallbackReason + ")");
    }
  });

  window.onFireflyLoaded = function (firefly) {
    if (settled) { return; }
    settled = true;
    loadedApi = firefly;
    window.clearTimeout(timer);
    showAll(firefly);
    // Showing a plot id again replaces it: the new stretch for both panels.
    document.addEventListener("stretchchange", function () { showAll(firefly); });
    document.body.setAttribute("data-image-viewer", "firefly");
    setStatus("Firefly");
  };
}());
