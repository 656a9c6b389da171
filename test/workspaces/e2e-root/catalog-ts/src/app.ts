import Fastify from 'fastify';

const app = Fastify();

app.register(
  async (catalog) => {
    catalog.get('/items/:id', async (request) => {
      const { id } = request.params as { id: string };
      return { id, name: 'lamp' };
    });
    catalog.post('/items', async (request, reply) => {
      reply.code(201);
      return request.body;
    });
  },
  { prefix: '/catalog' },
);

export default app;
