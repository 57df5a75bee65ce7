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
  // Bounds and inputs are in the column's display unit (the table's). A
  // slider with data-scale="log" moves along log10 of the value, for columns
  // spanning decades; the number inputs still hold plain values.
  document.querySelectorAll(".range-slider").forEach(function (slider) {
    var isLog = slider.dataset.scale === "log";
    var low = parseFloat(slider.dataset.low);
    var high = parseFloat(slider.dataset.high);
    var minInput = document.getElementById(slider.dataset.minInput);
    var maxInput = document.getElementById(slider.dataset.maxInput);
    if (!minInput || !maxInput || !(high > low) || (isLog && !(low > 0))) return;
    function toSlider(value) { return isLog ? Math.log10(value) : value; }
    function fromSlider(position) { return isLog ? Math.pow(10, position) : position; }
    var sliderLow = toSlider(low);
    var sliderHigh = toSlider(high);
    // Where a typed value sits on the slider (outside or unreadable: an end).
    function position(input, fallback) {
      var value = parseFloat(input.value);
      if (input.value === "" || !isFinite(value) || (isLog && value <= 0)) return fallback;
      return Math.min(sliderHigh, Math.max(sliderLow, toSlider(value)));
    }
    function makeRange(input, start, label) {
      var range = document.createElement("input");
      range.type = "range";
      range.min = sliderLow;
      range.max = sliderHigh;
      range.step = niceStep(sliderLow, sliderHigh);
      range.value = position(input, start);
      range.setAttribute("aria-label", label);
      range.dataset.scale = isLog ? "log" : "linear";
      range.tabIndex = -1;
      slider.appendChild(range);
      return range;
    }
    var name = slider.dataset.label;
    var rangeMin = makeRange(minInput, sliderLow, name + " minimum slider");
    var rangeMax = makeRange(maxInput, sliderHigh, name + " maximum slider");
    // A log slider's step is ~0.6 % of the value: three significant digits.
    var digits = isLog ? 3 : 5;
    function fmt(position) {
      return String(parseFloat(Number(fromSlider(parseFloat(position))).toPrecision(digits)));
    }
    rangeMin.addEventListener("input", function () {
      if (parseFloat(rangeMin.value) > parseFloat(rangeMax.value)) rangeMin.value = rangeMax.value;
      minInput.value = parseFloat(rangeMin.value) <= sliderLow ? "" : fmt(rangeMin.value);
    });
    rangeMax.addEventListener("input", function () {
      if (parseFloat(rangeMax.value) < parseFloat(rangeMin.value)) rangeMax.value = rangeMin.value;
      maxInput.value = parseFloat(rangeMax.value) >= sliderHigh ? "" : fmt(rangeMax.value);
    });
    minInput.addEventListener("input", function () {
      rangeMin.value = position(minInput, sliderLow);
    });
    maxInput.addEventListener("input", function () {
      rangeMax.value = position(maxInput, sliderHigh);
    });
  });
})();
