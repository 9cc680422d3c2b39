// Submit forms marked data-autosubmit (deep-linking return, sandbox launches): no inline script, CSP-safe.
document.querySelectorAll("form[data-autosubmit]").forEach(function (form) { form.submit(); });
