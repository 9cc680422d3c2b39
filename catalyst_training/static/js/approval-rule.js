// Review page: as the mentor picks rubric levels, the assignment's approval rule suggests a
// decision and says why. The suggestion is a default: once the mentor picks a decision
// themselves, the script no longer changes it (it only says the two differ).
// The wording comes from the page (data-t-* attributes, translated server-side).
(function () {
  var box = document.getElementById("decision");
  var status = document.getElementById("decision-suggestion");
  if (!box || !status || !box.dataset.minShare) { return; }
  var form = box.form;
  var differs = document.getElementById("decision-differs");
  var minShare = parseFloat(box.dataset.minShare);
  var noLowest = box.dataset.noLowest === "1";
  var maxPoints = parseFloat(box.dataset.max);
  var lang = document.documentElement.lang || "fr";
  var touched = false;

  function t(key, values) {
    var text = box.getAttribute("data-t-" + key) || "";
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(values[name]);
    });
    return text;
  }
  function number(value) { return value.toLocaleString(lang, { maximumFractionDigits: 2 }); }
  function percent(share) { return t("percent", { n: String(Math.round(100 * share)) }); }

  function evaluate() {
    var points = 0, complete = true, lowest = [];
    Array.prototype.forEach.call(form.querySelectorAll("fieldset.criterion"), function (set) {
      var picked = set.querySelector("input[type=radio]:checked");
      if (!picked) { complete = false; return; }
      points += parseFloat(picked.dataset.points);
      if (picked.dataset.lowest === "1") {
        lowest.push(t("quote", { title: set.dataset.criterion }));
      }
    });
    if (!complete) { return { decision: null, text: t("incomplete") }; }
    var share = maxPoints ? points / maxPoints : 0;
    var values = { points: number(points), max: number(maxPoints), share: percent(share),
                   min: percent(minShare) };
    // A share equal to the minimum approves; the tiny margin absorbs float sums (0.1 + 0.2).
    if (noLowest && lowest.length) {
      return { decision: "return",
               text: t(lowest.length === 1 ? "lowest-one" : "lowest-many",
                       { criteria: lowest.join(", ") }) };
    }
    if (share + 1e-9 < minShare) { return { decision: "return", text: t("low-share", values) }; }
    return { decision: "approve", text: t("approve", values) };
  }

  function update() {
    var result = evaluate();
    status.textContent = result.text;
    var current = form.querySelector("input[name=decision]:checked");
    if (!touched && result.decision) {
      var target = document.getElementById("decision-" + result.decision);
      if (target) { target.checked = true; current = target; }
    }
    if (differs) {
      differs.textContent = (result.decision && current && current.value !== result.decision)
        ? t("differs") : "";
    }
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "decision") { touched = true; }
    if (event.target.name === "decision" || event.target.name.indexOf("level-") === 0) {
      update();
    }
  });
})();
