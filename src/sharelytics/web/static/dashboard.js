/* sharelytics dashboard: progressive enhancements only; every page works without this script. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Period pickers submit on change (a <noscript> button covers the no-script case).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // The login form shows only the fields of the chosen method.
  var login = document.querySelector("form[data-login]");
  if (login) {
    var sync = function () {
      var chosen = login.querySelector("input[name=method]:checked");
      login.querySelectorAll("[data-method]").forEach(function (block) {
        block.hidden = !chosen || block.getAttribute("data-method") !== chosen.value;
      });
    };
    login.addEventListener("change", sync);
    sync();
  }

  // Chart marks carry a <title>; show it at once in a tooltip instead of after the browser's delay.
  var tip = null;
  document.addEventListener("mousemove", function (event) {
    var mark = event.target.closest && event.target.closest("svg.chart rect, svg.chart circle, svg.bar rect");
    var title = mark && mark.querySelector("title");
    if (!title) { if (tip) { tip.remove(); tip = null; } return; }
    if (!tip) { tip = document.createElement("div"); tip.className = "tip"; document.body.appendChild(tip); }
    tip.textContent = title.textContent;
    tip.style.left = event.clientX + 12 + "px";
    tip.style.top = event.clientY + 12 + "px";
  });
}());
