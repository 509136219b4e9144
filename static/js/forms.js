// A form is posted once: a second click (a double click, Enter pressed again) while
// the first post is on its way is dropped, so a double click creates one campaign,
// not two. htmx forms are htmx's (it cancels the browser's own submit first). The
// button pressed shows that the post is on its way (aria-busy, drawn by Pico). A
// form answered with a download stays on the page: it takes posts again after a
// few seconds; a page brought back by the Back button takes them at once.
(function () {
  "use strict";
  var AGAIN_AFTER_MS = 8000;

  function release(form) {
    delete form.dataset.sending;
    form.querySelectorAll("[aria-busy]").forEach(function (el) {
      el.removeAttribute("aria-busy");
    });
  }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement) || ev.defaultPrevented) return;
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") return;
    if (form.dataset.sending) {
      ev.preventDefault();
      return;
    }
    form.dataset.sending = "1";
    if (ev.submitter) ev.submitter.setAttribute("aria-busy", "true");
    setTimeout(function () { release(form); }, AGAIN_AFTER_MS);
  });

  window.addEventListener("pageshow", function (ev) {
    if (ev.persisted) document.querySelectorAll("form[data-sending]").forEach(release);
  });
})();

// A box that ticks every box of its form named by its data-check-all ("chọn cả
// trang" on the members' accounts); a button with data-print prints the page.
(function () {
  "use strict";
  document.addEventListener("change", function (ev) {
    var box = ev.target;
    if (!(box instanceof HTMLInputElement) || !box.dataset.checkAll || !box.form) return;
    box.form.querySelectorAll('input[type="checkbox"][name="' + box.dataset.checkAll + '"]')
      .forEach(function (other) { other.checked = box.checked; });
  });
  document.addEventListener("click", function (ev) {
    var button = ev.target instanceof Element ? ev.target.closest("[data-print]") : null;
    if (button) window.print();
  });
})();
