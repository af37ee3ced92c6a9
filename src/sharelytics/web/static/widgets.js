/* sharelytics conversion script, compatible with awe.sm's widgets.js.
 *
 * On landing from a tracked link (whose redirect added `awesm=<awesm_id>` for a conversion domain) it keeps the
 * awesm_id in the `_awesmsession` cookie; AWESM.convert(goal, value) later reports a conversion for it through
 * conversions/new (JSON-P, so it works from any page without CORS). Configuration globals, as awe.sm had them:
 * AWESM.api_key (default: the key this script was loaded with) and AWESM.addressbar (true: remove the awesm
 * parameter from the address bar after reading it).
 */
(function (window, document) {
  "use strict";
  var config = __SHARELYTICS_CONFIG__;
  var AWESM = window.AWESM = window.AWESM || {};
  var COOKIE = "_awesmsession";
  var AWESM_ID = /^[^\s_\/]+_[0-9A-Za-z]+$/;
  var sequence = 0;

  AWESM.api_key = AWESM.api_key || config.key;

  function readParam(name) {
    var pattern = new RegExp("[?&#]" + name + "=([^&#]*)");
    var found = pattern.exec(window.location.search) || pattern.exec(window.location.hash);
    return found ? decodeURIComponent(found[1].replace(/\+/g, " ")) : null;
  }

  function writeCookie(value) {
    var secure = window.location.protocol === "https:" ? "; Secure" : "";
    document.cookie = COOKIE + "=" + encodeURIComponent(value) + "; path=/; max-age=" + config.cookieSeconds +
      "; SameSite=Lax" + secure;
  }

  function readCookie() {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (parts[i].substring(0, eq) === COOKIE) {
        var value = decodeURIComponent(parts[i].substring(eq + 1));
        return AWESM_ID.test(value) ? value : null;
      }
    }
    return null;
  }

  function dropParamFromAddressBar() {
    if (!window.history || !window.history.replaceState) { return; }
    var url = window.location.href.replace(/([?&])awesm=[^&#]*(&?)/, function (_, lead, tail) {
      return tail ? lead : "";
    });
    window.history.replaceState(window.history.state, document.title, url);
  }

  function jsonp(url, done) {
    var name = "__sharelytics_cb_" + (new Date().getTime()) + "_" + (sequence++);
    var script = document.createElement("script");
    function finish(result) {
      try { delete window[name]; } catch (ignored) { window[name] = undefined; }
      if (script.parentNode) { script.parentNode.removeChild(script); }
      if (typeof done === "function") { done(result); }
    }
    window[name] = finish;
    script.onerror = function () { finish({ error: { code: 0, message: "network error" } }); };
    script.src = url + "&callback=" + name;
    (document.head || document.getElementsByTagName("head")[0]).appendChild(script);
  }

  var landed = readParam("awesm");
  if (landed && AWESM_ID.test(landed)) {
    writeCookie(landed);
    if (AWESM.addressbar) { dropParamFromAddressBar(); }
  }

  AWESM.awesm_id = readCookie;

  /* AWESM.convert(type, value[, done]): type is "pageview" or "goal_1" .. "goal_10"; value an integer (cents).
   * Returns false (and calls nothing) when this visitor did not arrive through a tracked link. */
  AWESM.convert = function (type, value, done) {
    var awesmId = readCookie();
    if (!awesmId || !AWESM.api_key) { return false; }
    var query = [
      ["v", "3"], ["key", AWESM.api_key], ["awesm_url", awesmId], ["conversion_type", type || "goal_1"],
      ["conversion_value", String(Math.max(0, Math.round(Number(value) || 0)))], ["href", window.location.href]
    ];
    var encoded = [];
    for (var i = 0; i < query.length; i++) {
      encoded.push(encodeURIComponent(query[i][0]) + "=" + encodeURIComponent(query[i][1]));
    }
    jsonp(config.api + "/conversions/new.json?" + encoded.join("&"), done);
    return true;
  };
})(window, document);
