const express = require('express');
const products = require('./routes/products');

const app = express();
app.use(express.json());
app.use('/api/products', products);

app.get('/health', (req, res) => {
  res.json({ ok: true });
});

module.exports = app;
