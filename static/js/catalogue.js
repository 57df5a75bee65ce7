// Catalogue page: tidy filter URLs, dual range sliders, collapsible filters on narrow screens.
(function () {
  "use strict";

  // Leave empty and default-valued fields out of the query string so shared
  // URLs stay short (the server applies the same defaults).
  document.querySelectorAll("form[data-catalogue-filter]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input, select").forEach(function (field) {
        if (!field.name) return;
        if (field.value === "" || field.value === field.dataset.default) field.disabled = true;
      });
    });
  });

  // Filters start folded on a narrow screen unless they need attention.
  var panel = document.querySelector("[data-collapse-narrow]");
  if (panel && window.matchMedia("(max-width: 900px)").matches &&
      !panel.hasAttribute("data-has-errors")) {
    panel.open = false;
  }

  function niceStep(low, high) {
    var span = high - low;
    return span > 0 ? span / 1000 : "any";
  }

  // Two range inputs per numeric column drive the min/max number inputs.
  document.querySelectorAll(".range-slider").forEach(function (slider) {
    var low = parseFloat(slider.dataset.low);
    var high = parseFloat(slider.dataset.high);
    var minInput = document.getElementById(slider.dataset.minInput);
    var maxInput = document.getElementById(slider.dataset.maxInput);
    if (!minInput || !maxInput || !(high > low)) return;
    function makeRange(input, start, label) {
      var range = document.createElement("input");
      range.type = "range";
      range.min = low;
      range.max = high;
      range.step = niceStep(low, high);
      range.value = input.value !== "" ? input.value : start;
      range.setAttribute("aria-label", label);
      range.tabIndex = -1;
      slider.appendChild(range);
      return range;
    }
    var name = slider.dataset.label;
    var rangeMin = makeRange(minInput, low, name + " minimum slider");
    var rangeMax = makeRange(maxInput, high, name + " maximum slider");
    function fmt(value) {
      return String(parseFloat(Number(value).toPrecision(5)));
    }
    rangeMin.addEventListener("input", function () {
      if (parseFloat(rangeMin.value) > parseFloat(rangeMax.value)) rangeMin.value = rangeMax.value;
      minInput.value = parseFloat(rangeMin.value) <= low ? "" : fmt(rangeMin.value);
    });
    rangeMax.addEventListener("input", function () {
      if (parseFloat(rangeMax.value) < parseFloat(rangeMin.value)) rangeMax.value = rangeMin.value;
      maxInput.value = parseFloat(rangeMax.value) >= high ? "" : fmt(rangeMax.value);
    });
    minInput.addEventListener("input", function () {
      rangeMin.value = minInput.value !== "" ? minInput.value : low;
    });
    maxInput.addEventListener("input", function () {
      rangeMax.value = maxInput.value !== "" ? maxInput.value : high;
    });
  });
})();
