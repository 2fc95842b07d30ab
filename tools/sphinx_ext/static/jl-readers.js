// jl-readers.js: the book on a phone and on paper (added by tools/sphinx_ext/jl_site.py; styles in jl-readers.css).
// * a display equation wider than its column scrolls sideways; it gets a visible cue (class jl-scrolls)
//   and a note saying so;
// * a figure shown narrower than its size (a phone) opens at full size when tapped;
// * each frame slider carries a note for paper: which frame is printed, of how many;
// * printing opens every collapsed box (details, "Click to show" dropdowns).
(function () {
  "use strict";

  function markScrollingEquations() {
    document.querySelectorAll('mjx-container[display="true"]').forEach(function (m) {
      var scrolls = m.scrollWidth > m.clientWidth + 1;
      m.classList.toggle("jl-scrolls", scrolls);
      var note = m.nextElementSibling;
      var has = note && note.classList.contains("jl-scroll-note");
      if (scrolls && !has) {
        note = document.createElement("span");
        note.className = "jl-scroll-note";
        note.textContent = "\u2194 the formula is wider than the page: scroll it sideways";
        m.insertAdjacentElement("afterend", note);
      } else if (!scrolls && has) {
        note.remove();
      }
      if (scrolls) { m.setAttribute("tabindex", "0"); } else { m.removeAttribute("tabindex"); }
    });
  }

  // the width the figure was drawn for: MyST-NB writes it in the style (2x PNGs), a frame slider in width=
  function intendedWidth(img) {
    var w = parseFloat(img.style.width) || parseFloat(img.getAttribute("width"));
    return w > 0 ? w : img.naturalWidth;
  }

  function markZoomable() {
    document.querySelectorAll("main div.cell_output img, main img.jl-frames-img").forEach(function (img) {
      img.classList.toggle("jl-zoomable", img.clientWidth > 0 && img.clientWidth < 0.9 * intendedWidth(img));
    });
  }

  // Widths settle late (MathJax's fonts, images, the theme's sidebars): measure again whenever a formula,
  // a figure or the column changes size, once per frame at most.
  var pending = false;
  function remeasure() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; markScrollingEquations(); markZoomable(); });
  }
  function watchSizes() {
    if (!window.ResizeObserver) return;
    var ro = new ResizeObserver(remeasure);
    document.querySelectorAll("main, main article, main mjx-container[display='true'] > mjx-math, " +
                              "main div.cell_output img, main img.jl-frames-img").forEach(function (e) { ro.observe(e); });
  }

  function zoom(img) {
    var dialog = document.createElement("dialog");
    dialog.className = "jl-zoom";
    dialog.setAttribute("aria-label", "Figure at full size");
    var big = document.createElement("img");
    big.src = img.currentSrc || img.src;
    big.alt = img.alt;
    big.style.width = intendedWidth(img) + "px";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Close";
    dialog.appendChild(big);
    dialog.appendChild(close);
    function done() { dialog.close(); dialog.remove(); }
    close.addEventListener("click", done);
    big.addEventListener("click", done);
    dialog.addEventListener("cancel", function () { dialog.remove(); });
    document.body.appendChild(dialog);
    dialog.showModal();
  }

  function printNotes() {
    document.querySelectorAll("div.jl-frames").forEach(function (box) {
      var slider = box.querySelector("input.jl-frames-slider");
      var value = box.querySelector(".jl-frames-value");
      var figure = box.querySelector("figure");
      if (!slider || !value || !figure) return;
      var note = box.querySelector(".jl-print-note");
      if (!note) {
        note = document.createElement("p");
        note.className = "jl-print-note";
        figure.insertBefore(note, figure.querySelector("figcaption"));
      }
      var n = Number(slider.max) + 1;
      note.textContent = "Printed: one frame of " + n + " (" + value.textContent +
        "). In the web version of the book a slider shows all " + n + ".";
    });
  }

  function openEverything() {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
    document.querySelectorAll(".toggle-hidden").forEach(function (e) { e.classList.remove("toggle-hidden"); });
    printNotes();
  }

  document.addEventListener("click", function (event) {
    var img = event.target;
    if (img instanceof HTMLImageElement && img.classList.contains("jl-zoomable")) {
      event.preventDefault();  // Sphinx wraps a large figure in a link to its PNG
      zoom(img);
    }
  });
  document.addEventListener("input", function (event) {
    if (event.target.classList && event.target.classList.contains("jl-frames-slider")) printNotes();
  });
  window.addEventListener("beforeprint", openEverything);
  window.addEventListener("resize", function () { markScrollingEquations(); markZoomable(); });
  window.jlReaders = {markScrollingEquations: markScrollingEquations, markZoomable: markZoomable,
                      openEverything: openEverything};

  // Accessible names that say what the reader sees (axe-core's label-content-name-mismatch): the theme's
  // icon buttons carry icon titles ("Light", "Dark") that are not part of their label, the search field's
  // label omits its visible shortcut, MyST-NB's "Show code cell source" summaries are labelled otherwise.
  function fixNames() {
    // (Font Awesome swaps each <i> for an <svg role="img"> with a <title>, perhaps after this runs)
    document.querySelectorAll(".theme-switch-button :is(i, svg), .search-button :is(i, svg), " +
                              ".search-button-field :is(i, svg)").forEach(function (i) {
      i.setAttribute("aria-hidden", "true");
      i.removeAttribute("aria-labelledby");
      i.removeAttribute("role");
      i.removeAttribute("title");
      i.querySelectorAll("title").forEach(function (t) { t.remove(); });  // decorative: the button is labelled
    });
    document.querySelectorAll("summary[aria-label], .search-button-field[aria-label]").forEach(
      function (e) { if (e.textContent.trim()) e.removeAttribute("aria-label"); });
    // docutils' bibliography: a role="list" of role="doc-biblioentry" entries whose links axe counts as
    // children a list may not have (aria-required-children, critical); plain blocks read as well
    document.querySelectorAll('.citation-list[role="list"]').forEach(function (list) {
      list.removeAttribute("role");
      list.querySelectorAll('[role="doc-biblioentry"]').forEach(function (e) { e.removeAttribute("role"); });
    });
  }

  function ready() {
    fixNames();
    new MutationObserver(fixNames).observe(document.body,
                                           {childList: true, subtree: true});
    printNotes();
    markZoomable();
    var mj = window.MathJax;
    var typeset = mj && mj.startup && mj.startup.promise;
    (typeset || Promise.resolve()).then(function () { markScrollingEquations(); watchSizes(); });
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(remeasure);
  }
  if (document.readyState === "complete") { ready(); } else { window.addEventListener("load", ready); }
})();
