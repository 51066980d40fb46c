// Sends a small journey with the real @rudderstack/rudder-sdk-node client (gzip bodies, sent as
// application/x-www-form-urlencoded) to a Journey collector.
// Usage: node send-with-rudder-sdk-node.mjs <host> <writeKey> <userId> <anonymousId>
import Analytics from '@rudderstack/rudder-sdk-node';

const [host, writeKey, userId, anonymousId] = process.argv.slice(2);
if (!host || !writeKey || !userId || !anonymousId) {
  console.error('usage: node send-with-rudder-sdk-node.mjs <host> <writeKey> <userId> <anonymousId>');
  process.exit(2);
}

let failed = false;
const client = new Analytics(writeKey, {
  dataPlaneUrl: host, flushAt: 20, flushInterval: 200, retryCount: 0, logLevel: 'error',
  errorHandler: (err) => { failed = true; console.error('rudder-sdk-node error:', err?.message ?? err); },
});

client.track({ anonymousId, event: 'Product Viewed', properties: { product_id: 'p1', price: 19.99, category: 'shoes' } });
client.identify({ userId, anonymousId, traits: { email: `${userId}@example.com`, plan: 'free' } });
client.track({ userId, anonymousId, event: 'Product Added', properties: { product_id: 'p1', price: 19.99, quantity: 1 } });
client.track({ userId, anonymousId, event: 'Order Completed', properties: { order_id: `order-${userId}`, revenue: 19.99, currency: 'EUR' } });
client.page({ userId, anonymousId, name: 'Thank you', properties: { path: '/checkout/thanks', url: 'https://shop.example/checkout/thanks' } });

await new Promise((resolve, reject) => client.flush((err) => (err ? reject(err) : resolve())));
if (failed) process.exit(1);
console.log('sent');
