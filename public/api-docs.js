// The REST API's reference page (/api/v1/docs): Swagger UI's bundle (swagger-ui-dist, served by us
// from node_modules: api/framework/docs-routes.ts) renders /api/v1/openapi.json. Kept in a file,
// not inline, for the Content-Security-Policy (lib/http/security-headers.ts: scripts, styles and
// requests from this server only). So it asks nothing of other hosts:
// - validatorUrl: null — by default Swagger UI sends the document to validator.swagger.io and
//   shows its badge (swagger-ui docs/usage/configuration.md: validatorUrl);
// - queryConfigEnabled: false (same page) — a `?url=` or `?configUrl=` in the address cannot load another
//   host's document or settings into this page;
// - no StandalonePreset: no top bar with a field to load a document from elsewhere;
// - "Try it out" sends requests only to this server: the document's server is `/api/v1`, and the
//   request interceptor points a request for any other origin at about:blank, which the page may
//   not fetch (connect-src 'self'), so nothing leaves and Swagger UI shows "Failed to fetch" with
//   about:blank as the request URL. (Throwing in the interceptor instead breaks Swagger UI's
//   response panel.) The CSP alone would block another host too; this also covers a policy
//   loosened one day.
(function () {
  var el = document.getElementById('api-docs');
  if (!el || !window.SwaggerUIBundle) return;
  var origin = window.location.origin;
  window.SwaggerUIBundle({
    domNode: el,
    url: el.getAttribute('data-url'),
    validatorUrl: null,
    queryConfigEnabled: false,
    deepLinking: true,
    withCredentials: false,
    persistAuthorization: false,
    requestInterceptor: function (req) {
      if (new URL(req.url, origin).origin !== origin) req.url = 'about:blank';
      return req;
    },
  });
})();
