/* Scanning grid: keyboard focus, labelling, tags, selection, bulk labels and
 * undo, saved at once through the grid's JSON action endpoint; "load more"
 * appends the next cards (a keyset page) so the grid keeps its place.
 * Without this file every card's T / F / U buttons still post a form.
 */
(function () {
  "use strict";

  var grid = document.querySelector("[data-scan-grid]");
  var help = document.getElementById("key-help");
  var status = document.querySelector("[data-scan-status]");
  var undoButton = document.querySelector("[data-undo-button]");
  var tagKeysElement = document.getElementById("tag-keys");
  var tagKeys = tagKeysElement ? JSON.parse(tagKeysElement.textContent) : {};
  var labelKeys = {t: "true", f: "false", u: "unsure"};
  var labelNames = {"true": "True", "false": "False", "unsure": "Unsure"};
  var focusIndex = -1;
  var selected = {};
  var loading = null;
  var queue = Promise.resolve();
  var PREFETCH_ROWS_LEFT = 12;

  function showHelp(visible) { if (help) { help.hidden = !visible; } }
  document.querySelectorAll("[data-help-open]").forEach(function (button) {
    button.addEventListener("click", function () { showHelp(help.hidden); });
  });
  document.querySelectorAll("[data-help-close]").forEach(function (button) {
    button.addEventListener("click", function () { showHelp(false); });
  });
  if (help) {
    help.addEventListener("click", function (event) { if (event.target === help) { showHelp(false); } });
  }

  function say(text, isError) {
    if (!status) { return; }
    status.textContent = text;
    status.classList.toggle("scan-status--error", Boolean(isError));
  }

  if (!grid) { return; }

  function cards() { return Array.prototype.slice.call(grid.querySelectorAll("[data-card]")); }
  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function cardById(id) { return document.getElementById("card-" + id); }
  function nameOf(card) { return card.getAttribute("aria-label"); }

  function setFocus(index) {
    var all = cards();
    if (!all.length) { return; }
    index = Math.max(0, Math.min(all.length - 1, index));
    if (all[focusIndex]) { all[focusIndex].classList.remove("scan-card--focus"); }
    focusIndex = index;
    var card = all[index];
    card.classList.add("scan-card--focus");
    card.focus({preventScroll: true});
    card.scrollIntoView({block: "nearest"});
    if (all.length - index <= PREFETCH_ROWS_LEFT) { loadMore(); }
  }

  function focusedCard() { return cards()[focusIndex] || null; }

  function columns() {
    var all = cards();
    if (!all.length) { return 1; }
    var top = all[0].offsetTop;
    var count = 0;
    while (count < all.length && all[count].offsetTop === top) { count += 1; }
    return Math.max(1, count);
  }

  /* ---- "load more": the next keyset page, appended ---- */
  function loadMore() {
    var more = grid.querySelector("[data-next-after]");
    if (!more || loading) { return loading; }
    var url = grid.getAttribute("data-cards-url");
    url += (url.indexOf("?") < 0 ? "?" : "&") + "after=" + encodeURIComponent(more.getAttribute("data-next-after"));
    loading = fetch(url, {credentials: "same-origin"}).then(function (response) {
      if (!response.ok) { throw new Error("More cards could not be loaded."); }
      return response.text();
    }).then(function (html) {
      more.remove();
      grid.insertAdjacentHTML("beforeend", html);
    }).catch(function (error) { say(error.message, true); }).then(function () { loading = null; });
    return loading;
  }
  grid.addEventListener("click", function (event) {
    var link = event.target.closest("[data-load-more]");
    if (link) { event.preventDefault(); loadMore(); }
    var card = event.target.closest("[data-card]");
    if (card && !event.target.closest("a, button")) { setFocus(cards().indexOf(card)); }
  });

  /* ---- saving: one JSON action at a time, in the order pressed ---- */
  function updateCard(state) {
    var card = cardById(state.id);
    if (!card) { return; }
    var mine = card.querySelector("[data-my-label]");
    mine.setAttribute("data-my-label", state.my_label || "");
    mine.textContent = "";
    if (state.my_label) {
      mine.appendChild(document.createTextNode("mine: "));
      var strong = document.createElement("strong");
      strong.className = "label-" + state.my_label;
      strong.textContent = labelNames[state.my_label];
      mine.appendChild(strong);
    } else {
      var none = document.createElement("span");
      none.className = "muted";
      none.textContent = "not rated by me";
      mine.appendChild(none);
    }
    card.querySelector("[data-my-tag]").textContent = state.my_tag || "";
    var team = card.querySelector("[data-team]");
    team.textContent = state.n_ratings + (state.n_ratings === 1 ? " rating" : " ratings");
    if (state.consensus) {
      team.appendChild(document.createTextNode(" · consensus "));
      var consensus = document.createElement("span");
      consensus.className = "label-" + state.consensus;
      consensus.textContent = labelNames[state.consensus];
      team.appendChild(consensus);
    }
    card.classList.toggle("scan-card--rated", Boolean(state.my_label));
  }

  function send(body, describe) {
    queue = queue.then(function () {
      return fetch(grid.getAttribute("data-action-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken()},
        body: JSON.stringify(body)
      }).then(function (response) {
        return response.json().then(function (answer) {
          if (!response.ok) { throw new Error(answer.error || "The change could not be saved."); }
          return answer;
        });
      }).then(function (answer) {
        answer.changed.forEach(updateCard);
        if (undoButton) { undoButton.disabled = answer.undo_depth === 0; }
        say(describe(answer));
      }).catch(function (error) { say(error.message, true); });
    });
    return queue;
  }

  // Cards of projects where the user may only look are never posted.
  var VIEW_ONLY = "View only: ask a project admin to rate.";
  function ratable(id) {
    var card = cardById(id);
    return Boolean(card) && !card.hasAttribute("data-view-only");
  }

  function label(ids, value) {
    ids = ids.filter(ratable);
    if (!ids.length) { say(VIEW_ONLY, true); return; }
    send({action: "label", candidates: ids, label: value}, function (answer) {
      if (!answer.changed.length) { return "Already " + labelNames[value] + ": nothing changed."; }
      if (ids.length === 1) { return nameOf(cardById(ids[0])) + ": " + labelNames[value] + "."; }
      return answer.changed.length + " cards labelled " + labelNames[value] + ".";
    });
  }

  function tag(card, key) {
    if (card.hasAttribute("data-view-only")) { say(VIEW_ONLY, true); return; }
    var keys = tagKeys[card.getAttribute("data-project")] || tagKeys["default"] || {};
    var chosen = key === "0" ? null : keys[key];
    if (key !== "0" && !chosen) { say("No tag on key " + key + ".", true); return; }
    var id = Number(card.getAttribute("data-candidate"));
    send({action: "tag", candidates: [id], tag: chosen ? chosen.id : null}, function () {
      return nameOf(card) + ": " + (chosen ? "tag " + chosen.name : "tag cleared") + ".";
    });
  }

  function undo() {
    send({action: "undo"}, function (answer) {
      return answer.changed.length ? "Undone." : "Nothing to undo.";
    });
  }

  function toggleSelected(card) {
    var id = card.getAttribute("data-candidate");
    if (selected[id]) { delete selected[id]; } else { selected[id] = true; }
    card.classList.toggle("scan-card--selected", Boolean(selected[id]));
    var count = Object.keys(selected).length;
    say(count ? count + " selected: Shift + t / f / u labels them all." : "Selection cleared.");
  }

  function clearSelection() {
    Object.keys(selected).forEach(function (id) {
      var card = cardById(id);
      if (card) { card.classList.remove("scan-card--selected"); }
    });
    selected = {};
  }

  /* ---- buttons (the no-JavaScript forms) go through the same endpoint ---- */
  grid.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("scan-card__rate") || !event.submitter) { return; }
    event.preventDefault();
    var card = form.closest("[data-card]");
    setFocus(cards().indexOf(card));
    label([Number(card.getAttribute("data-candidate"))], event.submitter.value);
  });
  if (undoButton) {
    undoButton.form.addEventListener("submit", function (event) { event.preventDefault(); undo(); });
  }

  /* ---- keyboard ---- */
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target.matches && target.matches("textarea, input, select")) { return; }
    if (event.key === "?") { showHelp(help.hidden); event.preventDefault(); return; }
    if (event.key === "Escape") { showHelp(false); clearSelection(); say(""); return; }
    if (help && !help.hidden) { return; }
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    var card = focusedCard();
    if (key === "ArrowRight" || key === "j") { setFocus(focusIndex + 1); }
    else if (key === "ArrowLeft" || key === "k") { setFocus(focusIndex - 1); }
    else if (key === "ArrowDown") { setFocus(focusIndex + columns()); }
    else if (key === "ArrowUp") { setFocus(focusIndex - columns()); }
    else if (labelKeys[key] && event.shiftKey) {
      var ids = Object.keys(selected).map(Number);
      if (!ids.length) { say("Select cards with x first.", true); }
      else { label(ids, labelKeys[key]); clearSelection(); }
    } else if (labelKeys[key] && card) {
      label([Number(card.getAttribute("data-candidate"))], labelKeys[key]);
    } else if (/^[0-9]$/.test(key) && card) { tag(card, key); }
    else if (key === "x" && card) { toggleSelected(card); }
    else if (key === "z") { undo(); }
    else if (key === "Enter" && card && (target === card || target === document.body)) {
      window.location.href = card.getAttribute("data-url");
    } else { return; }
    event.preventDefault();
  });

  var start = location.hash ? cards().indexOf(document.getElementById(location.hash.slice(1))) : 0;
  setFocus(start < 0 ? 0 : start);
}());
