/* Sightline tracker. <script defer data-domain="example.com" src="https://sightline.example/js/sightline.js"></script>
   Options (attributes): data-domain (or data-site), data-api, data-hash (hash routing), data-respect-dnt,
   data-allow-local (track localhost and file:), data-allow-automation (track navigator.webdriver).
   No cookies, no stored identifier: the server derives the visitor. Opt out: localStorage.sightline_ignore = "true".
   Each beacon carries its own random event_id; a beacon sent with fetch is retried once, 5 s after a 503 or a network
   failure, with the same body, so the server stores it once. */
(function (w, d) {
  var s = d.currentScript, l = w.location, n = w.navigator;
  if (!s) return;
  var attr = function (a) { return s.getAttribute(a); };
  var has = function (a) { return s.hasAttribute(a); };
  var domain = attr('data-domain') || attr('data-site') || l.hostname;
  var api = attr('data-api') || new URL(s.src).origin + '/api/event';
  var hashMode = has('data-hash');
  var off = (function () {
    try { if (w.localStorage.sightline_ignore === 'true') return 1; } catch (e) { /* storage blocked */ }
    if (n.webdriver && !has('data-allow-automation')) return 1;
    if (!has('data-allow-local') && (/^(localhost|127\.|\[::1\])/.test(l.hostname) || l.protocol === 'file:')) return 1;
    return has('data-respect-dnt') && (n.doNotTrack === '1' || w.doNotTrack === '1');
  })();

  function post(json, again) {
    try {
      fetch(api, { method: 'POST', body: json, keepalive: true, headers: { 'Content-Type': 'text/plain' } })
        .then(function (r) { if (r.status === 503) throw r; }).catch(function () { if (again) setTimeout(post, 5000, json); });
    } catch (e) { /* no fetch */ }
  }
  function send(body, beacon) {
    if (off) return;
    body.d = domain; body.u = body.u || l.href; body.w = w.innerWidth;
    var c = w.crypto; // randomUUID only in secure contexts
    body.event_id = c && c.randomUUID ? c.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2);
    var json = JSON.stringify(body);
    if (beacon && n.sendBeacon && n.sendBeacon(api, json)) return;
    post(json, 1);
  }

  // engagement: deepest scroll (%) and visible, focused time of the current page
  var scroll = 0, engaged = 0, since = 0, sentScroll = -1;
  function measureScroll() {
    var h = Math.max(d.body ? d.body.scrollHeight : 0, d.documentElement.scrollHeight);
    var seen = (w.scrollY || d.documentElement.scrollTop) + w.innerHeight;
    var pct = h > 0 ? Math.min(100, Math.round(seen / h * 100)) : 100;
    if (pct > scroll) scroll = pct;
  }
  function activeNow() { return d.visibilityState === 'visible' && d.hasFocus(); }
  function pause() { if (since) { engaged += Date.now() - since; since = 0; } }
  var leaving = 0; // after pagehide: a visibilitychange that follows must not count the page again
  function resume() { if (!since && !leaving && activeNow()) since = Date.now(); }
  function flush() {
    pause();
    if (engaged > 0 || scroll !== sentScroll) {
      send({ n: 'engagement', u: lastUrl, sd: scroll, e: engaged, i: false }, 1);
      sentScroll = scroll;
    }
    engaged = 0; resume();
  }

  var lastPath, lastUrl;
  function page(force) {
    var path = l.pathname + (hashMode ? l.hash : '');
    if (!force && path === lastPath) return; // replaceState with the same page, repeated popstate: no double count
    if (lastPath !== undefined) flush();
    lastPath = path; lastUrl = l.href; scroll = 0; sentScroll = -1; engaged = 0; since = 0;
    measureScroll(); resume();
    send({ n: 'pageview', r: d.referrer || null });
  }

  var history = w.history;
  ['pushState', 'replaceState'].forEach(function (m) {
    var original = history[m];
    if (!original) return;
    history[m] = function () { var r = original.apply(this, arguments); page(); return r; };
  });
  w.addEventListener('popstate', function () { page(); });
  if (hashMode) w.addEventListener('hashchange', function () { page(); });
  w.addEventListener('pageshow', function (e) { leaving = 0; if (e.persisted) page(1); }); // back/forward cache restore
  w.addEventListener('scroll', measureScroll, { passive: true });
  w.addEventListener('focus', resume);
  w.addEventListener('blur', pause);
  d.addEventListener('visibilitychange', function () { if (d.visibilityState === 'hidden') flush(); else resume(); });
  w.addEventListener('pagehide', function () { leaving = 1; flush(); });

  function label(el) {
    var t = el.getAttribute('data-sightline-label') || el.getAttribute('aria-label') || (el.innerText || el.value || '').trim() || el.id || '';
    return t.replace(/\s+/g, ' ').slice(0, 100);
  }
  var downloads = /\.(pdf|zip|gz|tgz|rar|7z|dmg|exe|msi|pkg|deb|rpm|apk|iso|csv|xlsx?|docx?|pptx?|odt|ods|txt|epub|mp3|mp4|mov|avi|wav)$/i;
  d.addEventListener('click', function (e) {
    var el = e.target && e.target.closest && e.target.closest('a,button,input[type=submit],input[type=button],[data-sightline-click]');
    if (!el) return;
    var body = { n: 'click', t: 'click', tl: label(el), ts: el.href || el.id || null };
    if (el.href) {
      var url = new URL(el.href, l.href);
      if (downloads.test(url.pathname)) body.n = 'File Download';
      else if (/^https?:$/.test(url.protocol) && url.host !== l.host) body.n = 'Outbound Link: Click';
      if (body.n !== 'click') body.p = { url: url.href.slice(0, 500) };
    }
    send(body, 1);
  }, true);
  d.addEventListener('submit', function (e) {
    var f = e.target;
    if (!f || f.tagName !== 'FORM') return;
    var action = f.getAttribute('action') || '';
    send({ n: 'form', t: 'form', tl: (f.getAttribute('name') || f.id || action || 'form').slice(0, 100), ts: action || null }, 1);
  }, true);

  // custom events: sightline('Signup', {props: {...}, revenue: {amount, currency}, interactive, callback})
  function track(name, o) {
    o = o || {};
    send({ n: name, p: o.props, $: o.revenue, i: o.interactive !== false });
    if (o.callback) o.callback();
  }
  var queued = (w.sightline && w.sightline.q) || [];
  w.sightline = track;
  page();
  for (var i = 0; i < queued.length; i++) track.apply(null, queued[i]); // calls made before the script loaded
})(window, document);
