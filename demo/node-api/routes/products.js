'use strict';
// Catalog endpoints. Latency and failures are simulated so the CodeLens has something to show:
// GET /api/products/search has a slow tail (p99 around 0.7 s), GET /api/products/:id/inventory
// fails with 503 about 10% of the time.
const express = require('express');

const router = express.Router();

const products = new Map();
for (let i = 1; i <= 30; i++) {
  products.set(i, { id: i, name: `Product ${i}`, price: Math.round(i * 3.7 * 100) / 100, tags: i % 2 ? ['tools'] : ['garden'] });
}
let nextId = 31;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (lo, hi) => lo + Math.random() * (hi - lo);

router.get('/', async (req, res) => {
  await sleep(between(2, 20));
  const limit = Math.min(Number(req.query.limit) || 20, 100);
  res.json([...products.values()].slice(0, limit));
});

router.get('/search', async (req, res) => {
  const r = Math.random();
  await sleep(r > 0.985 ? between(550, 950) : r > 0.9 ? between(120, 300) : between(15, 60));
  const q = String(req.query.q || '').toLowerCase();
  res.json([...products.values()].filter((p) => p.name.toLowerCase().includes(q) || p.tags.includes(q)));
});

router.get('/:id', async (req, res) => {
  await sleep(between(1, 10));
  const product = products.get(Number(req.params.id));
  if (!product) return res.status(404).json({ error: 'product not found' });
  res.json(product);
});

router.get('/:id/inventory', async (req, res) => {
  await sleep(between(5, 40));
  const product = products.get(Number(req.params.id));
  if (!product) return res.status(404).json({ error: 'product not found' });
  if (Math.random() < 0.1) return res.status(503).json({ error: 'inventory service timed out' });
  res.json({ id: product.id, inStock: (product.id * 7) % 13 });
});

router.post('/', express.json(), async (req, res) => {
  await sleep(between(5, 25));
  const { name, price } = req.body || {};
  if (typeof name !== 'string' || !name || typeof price !== 'number') {
    return res.status(400).json({ error: 'name (string) and price (number) are required' });
  }
  const product = { id: nextId++, name, price, tags: [] };
  if (products.size >= 500) products.delete([...products.keys()].find((k) => k > 30)); // bounded memory
  products.set(product.id, product);
  res.status(201).json(product);
});

module.exports = router;
