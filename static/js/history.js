// One history entry per address. htmx pushes the address of every response it swaps in,
// and one gesture can send the same search twice (Enter commits the box, firing "change",
// and submits the form; a box left after typing fires "change" again). Each pushed a
// copy of the address already shown, so Back seemed to do nothing: it went to the same
// results. A response for the address already in the bar replaces that entry instead.
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
