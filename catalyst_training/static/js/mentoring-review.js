// Review page: keeps the grading lease alive (heartbeat) and autosaves the draft server-side.
(function () {
  var form = document.getElementById("review-form");
  if (!form) { return; }
  var url = form.dataset.heartbeat;
  var status = document.getElementById("autosave-status");
  var lease = document.getElementById("lease-status");
  var dirty = false;
  var timer = null;
  function beat(autosave) {
    var data = new FormData(form);
    data.delete("action");
    if (autosave) { data.append("autosave", "1"); }
    var sent = dirty;
    dirty = false;
    fetch(url, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        if (autosave || !body.lease) { status.textContent = body.message; }
        if (!body.lease) { lease.textContent = body.message; }
      })
      .catch(function () { dirty = dirty || sent; status.textContent = "Échec de l'enregistrement automatique : utilisez le bouton."; });
  }
  form.addEventListener("input", function () {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(function () { beat(true); }, 1500);
  });
  Array.prototype.forEach.call(document.querySelectorAll("button.snippet"), function (button) {
    button.addEventListener("click", function () {
      var area = document.getElementById("comment");
      area.value = (area.value ? area.value + "\n" : "") + button.dataset.text;
      area.focus();
      dirty = true;
      beat(true);
    });
  });
  setInterval(function () { beat(dirty); }, 60000);
})();
