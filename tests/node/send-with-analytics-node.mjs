// Sends a small journey with the real @segment/analytics-node client to a Journey collector.
// Usage: node send-with-analytics-node.mjs <host> <writeKey> <userId> <anonymousId>
import { Analytics } from '@segment/analytics-node';

const [host, writeKey, userId, anonymousId] = process.argv.slice(2);
if (!host || !writeKey || !userId || !anonymousId) {
  console.error('usage: node send-with-analytics-node.mjs <host> <writeKey> <userId> <anonymousId>');
  process.exit(2);
}

const analytics = new Analytics({ writeKey, host, flushAt: 10, flushInterval: 200, maxRetries: 2 });
let failed = false;
analytics.on('error', (err) => { failed = true; console.error('analytics-node error:', err?.reason ?? err); });
let delivered = 0;
analytics.on('http_request', (req) => { console.log(`POST ${req.url} (${req.body?.batch?.length ?? 0} events)`); });

analytics.track({ anonymousId, event: 'Product Viewed', properties: { product_id: 'p1', price: 19.99, category: 'shoes' } });
analytics.identify({ userId, anonymousId, traits: { email: `${userId}@example.com`, plan: 'free' } });
analytics.track({ userId, anonymousId, event: 'Product Added', properties: { product_id: 'p1', price: 19.99, quantity: 1 } });
analytics.track({ userId, anonymousId, event: 'Order Completed', properties: { order_id: `order-${userId}`, revenue: 19.99, currency: 'EUR' } }, (err) => { if (!err) delivered++; });
analytics.page({ userId, name: 'Thank you', properties: { path: '/checkout/thanks', url: 'https://shop.example/checkout/thanks' } });

await analytics.closeAndFlush({ timeout: 15000 });
if (failed || delivered !== 1) { console.error(`failed=${failed} delivered=${delivered}`); process.exit(1); }
console.log('sent');
