// Back, Forward and the address bar show one state at a time.
//
// One history entry per address. htmx pushes the address of every response it swaps in,
// and one gesture can send the same form twice (a text box left after typing commits it,
// firing "change", which sends the form again). Each pushed a copy of the address already
// shown, so Back seemed to do nothing: it went to the same results. A response for the
// address already in the bar replaces that entry instead.
document.addEventListener("htmx:beforeHistoryUpdate", (event) => {
  const update = event.detail.history;
  if (update.type !== "push") return;
  const next = new URL(update.path, window.location.href);
  const shown = new URL(window.location.href);
  // Compared decoded: a typed "a b" is sent as a%20b, a link may say a+b.
  const query = (url) => new URLSearchParams(url.search).toString();
  if (next.pathname === shown.pathname && query(next) === query(shown)) {
    update.type = "replace";
  }
});

// In a block: no names of ours in the page's global scope.
{
  // Nothing sent before Back or Forward lands after it. htmx reloads the page of the entry
  // gone back to (it keeps no snapshots), but an answer arriving first was swapped in and
  // pushed its own address in place of the entries ahead: Back then showed the state just
  // left, and Forward had nowhere to go. So requests still out are aborted, and none is sent
  // (a queued one would go out as the aborted one ends) until the page is reloaded.
  const inFlight = new Set();
  let leaving = false;
  document.addEventListener("htmx:beforeRequest", (event) => {
    if (leaving) event.preventDefault();
  });
  document.addEventListener("htmx:beforeSend", (event) => inFlight.add(event.detail.xhr));
  document.addEventListener("htmx:afterRequest", (event) => inFlight.delete(event.detail.xhr));
  window.addEventListener("popstate", (event) => {
    // Only on entries htmx made (a jump to a #fragment on the page changes no state).
    if (!(event.state && event.state.htmx)) return;
    leaving = true;
    for (const xhr of [...inFlight]) xhr.abort();
    inFlight.clear();
  });
  // Were htmx ever to restore an entry in place (from a snapshot), the page stays in use.
  document.addEventListener("htmx:historyRestore", () => {
    leaving = false;
  });
}
