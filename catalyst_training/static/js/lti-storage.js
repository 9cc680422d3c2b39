// LTI client-side postMessages (1EdTech): platform storage for the OIDC login and launch, and the
// close message at the end of dynamic registration. Served locally: no inline script (CSP).
(function () {
  "use strict";
  var TIMEOUT = 3000;
  var counter = 0;

  function platformWindow() {
    if (window.parent && window.parent !== window) { return window.parent; }
    return window.opener || null;
  }

  function send(win, origin, message, timeout) {
    return new Promise(function (resolve, reject) {
      counter += 1;
      message.message_id = "catalyst-" + Date.now() + "-" + counter;
      var timer = setTimeout(function () { done(); reject(new Error("timeout")); }, timeout || TIMEOUT);
      function listener(event) {
        var data = event.data;
        if (origin !== "*" && event.origin !== origin) { return; }
        if (!data || data.message_id !== message.message_id) { return; }
        if (data.subject !== message.subject + ".response") { return; }
        done();
        if (data.error) { reject(new Error(data.error.code || "error")); } else { resolve(data); }
      }
      function done() { clearTimeout(timer); window.removeEventListener("message", listener); }
      window.addEventListener("message", listener);
      win.postMessage(message, origin);
    });
  }

  // The frame that stores data: what lti.capabilities says, else lti_storage_target.
  function storageWindow(el) {
    var parent = platformWindow();
    if (!parent) { return Promise.reject(new Error("no platform window")); }
    function named(name) {
      if (!name || name === "_parent") { return parent; }
      try { return parent.frames[name] || parent; } catch (e) { return parent; }
    }
    return send(parent, "*", { subject: "lti.capabilities" }, 1000)
      .then(function (data) {
        var found = (data.supported_messages || []).filter(function (m) {
          return m.subject === "lti.put_data";
        })[0];
        return named(found && found.frame ? found.frame : el.dataset.target);
      }, function () { return named(el.dataset.target); });
  }

  function putData(el) {
    var origin = el.dataset.origin;
    function go() { window.location.replace(el.dataset.next); }
    storageWindow(el).then(function (win) {
      return Promise.all([
        send(win, origin, { subject: "lti.put_data", key: el.dataset.stateKey, value: el.dataset.state }),
        send(win, origin, { subject: "lti.put_data", key: el.dataset.nonceKey, value: el.dataset.nonce })
      ]);
    }).then(go, go);
  }

  function getData(form) {
    var origin = form.dataset.origin;
    function submit() { form.submit(); }
    storageWindow(form).then(function (win) {
      return Promise.all([
        send(win, origin, { subject: "lti.get_data", key: form.dataset.stateKey }),
        send(win, origin, { subject: "lti.get_data", key: form.dataset.nonceKey })
      ]);
    }).then(function (answers) {
      form.elements.lti_storage_state.value = answers[0].value || "";
      form.elements.lti_storage_nonce.value = answers[1].value || "";
    }).then(submit, submit);
  }

  // Session by launch token (third-party cookies blocked): keep it in same-origin links, GET forms
  // and fetch(). Each answer to a request it authenticates brings a fresh token (X-Launch-Token
  // header): adopt it everywhere, and renew it while the user is active, so that it only expires
  // after an idle period (data-renew-after seconds since the last renewal, checked on activity).
  var meta = document.querySelector("meta[name=catalyst-launch-token]");
  if (meta) {
    var token = meta.getAttribute("content");
    var renewAfter = (parseInt(meta.dataset.renewAfter, 10) || 400) * 1000;
    var renewedAt = Date.now();

    var sameOrigin = function (url) { return url.origin === window.location.origin; };
    // The same URL with the current token, or null when it is not ours or carries no token.
    var withToken = function (value) {
      if (!value) { return null; }
      var url = new URL(value, window.location.href);
      if (!sameOrigin(url) || !url.searchParams.has("lt")) { return null; }
      url.searchParams.set("lt", token);
      return value.charAt(0) === "/" ? url.pathname + url.search + url.hash : url.href;
    };
    var adopt = function (fresh) {
      renewedAt = Date.now();
      if (fresh) { token = fresh; }
      meta.setAttribute("content", token);
      var here = withToken(window.location.href);
      if (here && here !== window.location.href) { window.history.replaceState(window.history.state, "", here); }
      document.querySelectorAll("a[href], form[action]").forEach(function (node) {
        var attr = node.tagName === "A" ? "href" : "action";
        var updated = withToken(node.getAttribute(attr));
        if (updated) { node.setAttribute(attr, updated); }
      });
      document.querySelectorAll("input[type=hidden]").forEach(function (input) {
        if (input.name === "lt") { input.value = token; return; }
        var updated = input.value.charAt(0) === "/" ? withToken(input.value) : null;
        if (updated) { input.value = updated; }
      });
    };

    document.querySelectorAll("form").forEach(function (form) {
      if ((form.getAttribute("method") || "get").toLowerCase() !== "get" || form.elements.lt) { return; }
      if (!sameOrigin(new URL(form.getAttribute("action") || "", window.location.href))) { return; }
      var input = document.createElement("input");
      input.type = "hidden"; input.name = "lt"; input.value = token;
      form.appendChild(input);
    });
    adopt(token);  // the page's URL and `next` fields may hold the older token of this request

    var nativeFetch = window.fetch;
    window.fetch = function (resource, init) {
      var url = new URL(typeof resource === "string" ? resource : resource.url, window.location.href);
      if (!sameOrigin(url)) { return nativeFetch(resource, init); }
      init = init || {};
      var headers = new Headers(init.headers || (typeof resource === "string" ? {} : resource.headers));
      headers.set("X-Launch-Token", token);
      init.headers = headers;
      return nativeFetch(resource, init).then(function (response) {
        var fresh = response.headers.get("X-Launch-Token");
        if (fresh) { adopt(fresh); }
        return response;
      });
    };

    var renewUrl = meta.dataset.renewUrl;
    var activity = function () {
      if (!renewUrl || Date.now() - renewedAt < renewAfter) { return; }
      renewedAt = Date.now();
      window.fetch(renewUrl, { credentials: "same-origin" }).catch(function () {});
    };
    ["pointerdown", "keydown", "scroll", "touchstart", "focus"].forEach(function (name) {
      window.addEventListener(name, activity, { passive: true, capture: true });
    });
  }

  var el = document.querySelector("[data-lti-storage]");
  if (el && el.dataset.ltiStorage === "put") { putData(el); }
  if (el && el.dataset.ltiStorage === "get") { getData(el); }

  var closing = document.querySelector("[data-lti-close]");
  if (closing) {
    var win = platformWindow();
    // Only the platform being registered (its validated origin) is told to close its panel.
    var target = closing.dataset.ltiCloseOrigin;
    if (win && target) { win.postMessage({ subject: "org.imsglobal.lti.close" }, target); }
  }
})();
