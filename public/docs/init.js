// Served by the app itself (no CDN): the docs must work on networks without internet access.

// Earlier versions persisted the credentials given to "Authorize" (swagger-ui's "authorized" entry):
// forget what a browser may still hold from then.
try {
  window.localStorage.removeItem("authorized");
} catch {
  // Storage is disabled: then nothing was kept either.
}

window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  tryItOutEnabled: true,
  // Credentials entered under "Authorize" stay in this page's memory only: persisting them would keep a
  // bearer token (or an email and password) in localStorage, readable long after the tab is closed.
  persistAuthorization: false,
});
