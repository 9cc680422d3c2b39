// Sandbox platform: answers the tool's LTI client-side postMessages (lti.capabilities,
// lti.put_data, lti.get_data) like Canvas does, keeping the values per tool origin in memory.
(function () {
  "use strict";
  var host = document.querySelector("[data-lti-storage-responder]");
  if (!host) { return; }
  var toolOrigin = host.dataset.toolOrigin;
  var store = {};
  window.addEventListener("message", function (event) {
    var m = event.data;
    if (!m || typeof m.subject !== "string" || !event.source || m.subject.slice(-9) === ".response") { return; }
    var reply = { subject: m.subject + ".response", message_id: m.message_id };
    if (m.subject === "lti.capabilities") {
      reply.supported_messages = [
        { subject: "lti.capabilities" }, { subject: "lti.put_data" }, { subject: "lti.get_data" }
      ];
    } else if (event.origin !== toolOrigin) {
      reply.error = { code: "unauthorized", message: "unknown origin " + event.origin };
    } else if (m.subject === "lti.put_data") {
      store[event.origin + " " + m.key] = m.value;
      reply.key = m.key; reply.value = m.value;
    } else if (m.subject === "lti.get_data") {
      reply.key = m.key; reply.value = store[event.origin + " " + m.key];
    } else {
      reply.error = { code: "unsupported_subject", message: m.subject };
    }
    event.source.postMessage(reply, event.origin);
  });
})();
