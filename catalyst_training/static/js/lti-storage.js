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

  // Session by launch token (third-party cookies blocked): keep it in GET forms and fetch().
  var meta = document.querySelector("meta[name=catalyst-launch-token]");
  if (meta) {
    var token = meta.getAttribute("content");
    document.querySelectorAll("form").forEach(function (form) {
      if ((form.getAttribute("method") || "get").toLowerCase() !== "get" || form.elements.lt) { return; }
      var input = document.createElement("input");
      input.type = "hidden"; input.name = "lt"; input.value = token;
      form.appendChild(input);
    });
    var nativeFetch = window.fetch;
    window.fetch = function (resource, init) {
      var url = new URL(typeof resource === "string" ? resource : resource.url, window.location.href);
      if (url.origin !== window.location.origin) { return nativeFetch(resource, init); }
      init = init || {};
      var headers = new Headers(init.headers || (typeof resource === "string" ? {} : resource.headers));
      headers.set("X-Launch-Token", token);
      init.headers = headers;
      return nativeFetch(resource, init);
    };
  }

  var el = document.querySelector("[data-lti-storage]");
  if (el && el.dataset.ltiStorage === "put") { putData(el); }
  if (el && el.dataset.ltiStorage === "get") { getData(el); }

  if (document.querySelector("[data-lti-close]")) {
    var win = platformWindow();
    if (win) { win.postMessage({ subject: "org.imsglobal.lti.close" }, "*"); }
  }
})();
