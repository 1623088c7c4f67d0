// The token of a mailed reset link (`/password_reset#token=…`). It is read from the fragment, which the
// browser never sends to a server, and taken out of the address bar at once.
(() => {
  const token = new URLSearchParams(window.location.hash.slice(1)).get("token") ?? "";
  history.replaceState(null, "", window.location.pathname);
  const form = document.getElementById("reset");
  const outcome = document.getElementById("outcome");
  if (!token) {
    outcome.textContent = "This link holds no reset token: ask for a new link.";
    form.hidden = true;
    return;
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await fetch("/auth/password_reset/confirm", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token, new_password: form.elements.new_password.value }),
    });
    if (answer.status === 204) {
      form.hidden = true;
      outcome.textContent = "Your password is set. Every device was signed out: sign in with the new one.";
      return;
    }
    const problem = await answer.json().catch(() => ({}));
    outcome.textContent = problem.detail ?? "The password could not be set; try again.";
  });
})();
