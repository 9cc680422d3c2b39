// Autosave of assignment drafts: posts the text (with its CSRF token) after a pause in typing.
(function () {
  var form = document.querySelector("form[data-autosave]");
  if (!form) { return; }
  var area = form.querySelector("textarea");
  var status = document.getElementById("autosave-status");
  var timer = null;
  var last = area.value;
  function save() {
    if (area.value === last) { return; }
    var data = new FormData();
    data.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
    data.append("text", area.value);
    var sent = area.value;
    fetch(form.dataset.autosave, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        if (body.saved) { last = sent; }
        status.textContent = body.message;
      })
      .catch(function () { status.textContent = status.dataset.error || "Échec de l'enregistrement automatique : utilisez le bouton."; });
  }
  area.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(save, 1500);
  });
  area.addEventListener("blur", save);
})();
