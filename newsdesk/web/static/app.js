// newsdesk: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Sources side by side: scroll each source's text to its first evidence sentence.
  document.querySelectorAll(".srctext").forEach(function (box) {
    var mark = box.querySelector("mark.evidence");
    if (mark) {
      box.scrollTop = Math.max(0, mark.offsetTop - box.offsetTop - 40);
      mark.classList.add("current");
    }
  });
  // Search form: drop empty fields so shared URLs stay short.
  document.querySelectorAll("form.filters").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input, select").forEach(function (el) {
        if (!el.value) { el.disabled = true; }
      });
    });
  });
})();
