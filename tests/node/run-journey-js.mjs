// Runs the app's /journey.js as a browser page would, with the browser APIs it uses given by
// Node: navigator.sendBeacon and the pixel <img> become real HTTP requests to the collector,
// sent with the page's Origin, Referer and a desktop Chrome User-Agent.
// Usage: node run-journey-js.mjs <collector base> <page url> <referrer> <title> <calls JSON> [flags]
// flags: --no-beacon (a browser without sendBeacon), --no-cookies (cookies blocked),
//        --cookie=<name=value> and --stored=<name=value> (what an earlier visit left),
//        --queued=<JSON> (window.journey as a queue of calls made before the script loaded).
// Prints one JSON line per request the script made: {method, url, contentType, body, status},
// then {anonymousId, cookie, stored}.
const [base, pageUrl, referrer, title, callsJson, ...flags] = process.argv.slice(2);
const flag = name => flags.filter(f => f === name || f.startsWith(name + "=")).map(f => f.slice(name.length + 1));
const noBeacon = flag("--no-beacon").length > 0;
const noCookies = flag("--no-cookies").length > 0;
const page = new URL(pageUrl);
const userAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const browserHeaders = { "User-Agent": userAgent, Origin: page.origin, Referer: page.origin + "/" };
const pending = [];
const requests = [];

// Requests are listed in the order the script made them, whatever order their answers come in.
function record(method, url, contentType, bodyPromise) {
  const entry = { method, url, contentType, body: null, status: 0 };
  requests.push(entry);
  pending.push(Promise.resolve(bodyPromise).then(async body => {
    entry.body = body ?? null;
    const r = await fetch(url, { method, body, headers: contentType ? { ...browserHeaders, "Content-Type": contentType } : browserHeaders });
    entry.status = r.status;
  }));
}

const pair = text => { const i = text.indexOf("="); return [text.slice(0, i).trim(), text.slice(i + 1)]; };
const cookies = new Map(flag("--cookie").map(pair));
const storage = new Map(flag("--stored").map(pair));
const scriptSrc = `${base}/journey.js`;
globalThis.window = globalThis;
globalThis.location = page;
globalThis.localStorage = { getItem: k => storage.get(k) ?? null, setItem: (k, v) => storage.set(k, String(v)) };
globalThis.document = {
  baseURI: page.href,
  referrer,
  title,
  currentScript: { src: scriptSrc, getAttribute: n => ({ "data-key": "journey-local" })[n] ?? null },
  getElementsByTagName: () => [],
  get cookie() { return noCookies ? "" : [...cookies].map(([k, v]) => `${k}=${v}`).join("; "); },
  set cookie(text) { if (!noCookies) cookies.set(...pair(text.split(";")[0])); },
};
Object.defineProperty(globalThis, "navigator", {
  configurable: true,
  value: noBeacon ? { userAgent } : {
    userAgent,
    sendBeacon(url, blob) { record("POST", url, blob.type, blob.text()); return true; },
  },
});
globalThis.Image = class { set src(url) { record("GET", url, null, undefined); } };

for (const queued of flag("--queued")) window.journey = JSON.parse(queued);
const served = await fetch(scriptSrc);
if (!served.ok) throw new Error(`GET /journey.js answered ${served.status}`);
new Function(await served.text())();
for (const [name, ...args] of JSON.parse(callsJson)) window.journey[name](...args);
while (pending.length) await pending.shift();
for (const r of requests) console.log(JSON.stringify(r));
console.log(JSON.stringify({ anonymousId: window.journey.anonymousId(), cookie: document.cookie, stored: Object.fromEntries(storage) }));
