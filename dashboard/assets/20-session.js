/* POH-Connect: when the dashboard server answers a Dash request with 401 (no session, or the
   session ended), go to the login page instead of leaving the page half drawn. */
(function () {
  var original = window.fetch;
  if (!original) { return; }
  window.fetch = function (input, init) {
    return original.apply(this, arguments).then(function (response) {
      var url = typeof input === "string" ? input : (input && input.url) || "";
      var match = url.match(/^(.*\/)_dash-[a-z-]+/);
      if (response.status === 401 && match) {
        window.location.assign(match[1] + "login?reason=expired");
      }
      return response;
    });
  };
})();
