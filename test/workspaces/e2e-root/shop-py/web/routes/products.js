const { Router } = require('express');

const router = Router();

router.get('/:id', async (req, res) => {
  res.json({ id: req.params.id, name: 'lamp' });
});

module.exports = router;
