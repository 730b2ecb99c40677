// When a callback answers 401 (the session ended: idle timeout, account disabled), go to the sign-in page
// and come back here afterwards, instead of leaving a page that no longer updates.
(function () {
  const original = window.fetch;
  window.fetch = function (...args) {
    return original.apply(this, args).then(function (response) {
      if (response.status === 401 && String(response.url).includes("/_dash-update-component")) {
        const next = encodeURIComponent(window.location.pathname + window.location.search);
        window.location.assign("/login?state=expired&next=" + next);
      }
      return response;
    });
  };
})();
