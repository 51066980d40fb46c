/* Journey's first-party tracker (served at /journey.js; no dependencies).
   <script async src="https://your-app/journey.js" data-key="WRITE_KEY"></script>
   Sends a page view on load (full URL, referrer, title, UTM parameters) and offers
   journey.page(props), journey.track(name, props), journey.identify(userId, traits).
   Messages go as Segment JSON through navigator.sendBeacon (text/plain, no preflight) to
   /v1/page|track|identify, else page views and events through the pixel GET /i.
   data-key: the write key; data-host: the collector's origin (default: this script's origin);
   data-auto-page="false": no page view on load. Calls made before the script loaded
   (window.journey = [["track", "X", {...}]]) are replayed. */
(function (w, d) {
  "use strict";
  var queued = w.journey;
  if (queued && queued.loaded) return;

  var script = d.currentScript;
  if (!script || !script.getAttribute("data-key")) {
    var all = d.getElementsByTagName("script");
    for (var s = 0; s < all.length; s++) if (/\/journey\.js(\?|#|$)/.test(all[s].src || "") && all[s].getAttribute("data-key")) script = all[s];
  }
  if (!script) return;
  var key = script.getAttribute("data-key");
  var host = (script.getAttribute("data-host") || new URL(script.src, d.baseURI).origin).replace(/\/+$/, "");
  var YEAR = 365 * 24 * 3600;

  function uuid() {
    var c = w.crypto;
    if (c && c.randomUUID) return c.randomUUID();
    var b = new Uint8Array(16);
    if (c && c.getRandomValues) c.getRandomValues(b); else for (var i = 0; i < 16; i++) b[i] = Math.random() * 256;
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // The ids live in a first-party cookie, with localStorage as a fallback when cookies are off.
  function read(name) {
    var m = d.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    if (m) return decodeURIComponent(m[1]);
    try { return w.localStorage.getItem(name); } catch (e) { return null; }
  }
  function write(name, value) {
    var secure = w.location.protocol === "https:" ? "; Secure" : "";
    d.cookie = name + "=" + encodeURIComponent(value) + "; Max-Age=" + YEAR + "; Path=/; SameSite=Lax" + secure;
    try { w.localStorage.setItem(name, value); } catch (e) { /* storage off: the cookie alone */ }
  }

  var anonymousId = read("journey_aid");
  if (!anonymousId) { anonymousId = uuid(); }
  write("journey_aid", anonymousId);
  var userId = read("journey_uid");

  function pageContext() {
    var l = w.location;
    return { url: l.href, path: l.pathname, search: l.search, referrer: d.referrer, title: d.title };
  }
  function campaign(search) {
    var q = new URLSearchParams(search), c = {}, any = false;
    ["source", "medium", "campaign", "term", "content"].forEach(function (k) {
      var v = q.get("utm_" + k);
      if (v) { c[k === "campaign" ? "name" : k] = v; any = true; }
    });
    return any ? c : undefined;
  }

  function message(type, fields) {
    var page = pageContext();
    var m = {
      type: type, messageId: uuid(), anonymousId: anonymousId, timestamp: new Date().toISOString(), writeKey: key,
      context: { page: page, campaign: campaign(page.search), library: { name: "journey.js", version: "1" } }
    };
    if (userId) m.userId = userId;
    for (var f in fields) if (fields[f] !== undefined) m[f] = fields[f];
    return m;
  }

  // The pixel's query: k, e, aid, uid, mid, url, ref, ts, p_<name>, t_<name> (README, "Collector contract").
  function pixel(m) {
    var q = ["k=" + encodeURIComponent(key), "aid=" + encodeURIComponent(m.anonymousId), "mid=" + encodeURIComponent(m.messageId),
      "url=" + encodeURIComponent(m.context.page.url), "ref=" + encodeURIComponent(m.context.page.referrer), "ts=" + Date.parse(m.timestamp)];
    if (m.userId) q.push("uid=" + encodeURIComponent(m.userId));
    if (m.type === "track") q.push("e=" + encodeURIComponent(m.event));
    var add = function (prefix, o) { for (var k in o) if (o[k] !== null && typeof o[k] !== "object") q.push(prefix + encodeURIComponent(k) + "=" + encodeURIComponent(o[k])); };
    add("p_", m.properties);
    add("t_", m.traits);
    new Image(1, 1).src = host + "/i?" + q.join("&");
  }

  function send(m) {
    var body = JSON.stringify(m);
    var n = w.navigator;
    if (n.sendBeacon && n.sendBeacon(host + "/v1/" + m.type, new Blob([body], { type: "text/plain;charset=UTF-8" }))) return;
    if (m.type !== "identify") { pixel(m); return; }
    var x = new XMLHttpRequest();
    x.open("POST", host + "/v1/identify");
    x.withCredentials = true;
    x.setRequestHeader("Content-Type", "text/plain;charset=UTF-8");
    x.send(body);
  }

  var journey = {
    loaded: true,
    anonymousId: function () { return anonymousId; },
    page: function (props) {
      var p = pageContext(), properties = { url: p.url, path: p.path, search: p.search, referrer: p.referrer, title: p.title };
      for (var k in props || {}) properties[k] = props[k];
      send(message("page", { properties: properties }));
    },
    track: function (name, props) { send(message("track", { event: String(name), properties: props || {} })); },
    identify: function (id, traits) {
      if (id !== undefined && id !== null && id !== "") { userId = String(id); write("journey_uid", userId); }
      send(message("identify", { traits: traits || {} }));
    }
  };
  w.journey = journey;

  if (script.getAttribute("data-auto-page") !== "false") journey.page();
  if (queued && queued.length) for (var i = 0; i < queued.length; i++) {
    var call = queued[i];
    if (call && typeof journey[call[0]] === "function") journey[call[0]].apply(journey, Array.prototype.slice.call(call, 1));
  }
})(window, document);
