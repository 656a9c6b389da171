/**
 * Wrapper style, Fastify: route options made by a project function (`fastify.post('/register', registerOpts(register))`)
 * are an object, not a handler: the argument the function puts at `handler` is wrapped (read where the function is
 * declared, through a barrel); a function writing the handler itself is refused with the reason; a wrapper returning a
 * function (`asyncHandler(fn)`) is wrapped whole, as ever.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { applyEdits, planInstrumentFile } from '../../../src/core/instrument/planner';
import { OPTS, routesIn } from '../../support/instrument/helpers';
import { tempTree } from '../../support/tempTree';

describe('wrapper style: Fastify route options made by a project function', () => {
  it('wraps the argument that becomes the handler; refuses a factory writing its own; wraps a function-returning wrapper whole', async () => {
    const dir = tempTree({
      'package.json': JSON.stringify({ type: 'module', dependencies: { fastify: '^4', 'prom-client': '^15', '@opentelemetry/api': '^1' } }),
      'src/options/register.js':
        'export const registerOpts = (handler, fastify) => ({\n  preValidation: [fastify.authenticate],\n  schema: {},\n  handler: handler,\n});\n',
      'src/options/health.js': 'export function healthOpts() {\n  return { schema: {}, async handler() { return { ok: true }; } };\n}\n',
      'src/options/index.js': "export * from './register.js';\nexport { healthOpts } from './health.js';\n",
      'src/wrap.js': 'export const safe = (fn) => async (req, reply) => fn(req, reply);\n',
      'src/controllers.js': 'export async function register() { return {}; }\nexport async function list() { return []; }\n',
      'src/routes.js': [
        "import { registerOpts, healthOpts } from './options/index.js';",
        "import { register, list } from './controllers.js';",
        "import { safe } from './wrap.js';",
        'export default async function routes(fastify) {',
        "  fastify.post('/register', registerOpts(register, fastify));",
        "  fastify.get('/health', healthOpts());",
        "  fastify.get('/list', safe(list));",
        '}',
        '',
      ].join('\n'),
      'src/app.js':
        "import Fastify from 'fastify';\nimport routes from './routes.js';\nconst app = Fastify();\napp.register(routes);\napp.listen({ port: 3000 });\n",
    });
    const { file, text, routes } = await routesIn(dir, 'src/routes.js', ['src/app.js', 'src/controllers.js', 'src/wrap.js']);
    assert.equal(routes.length, 3);
    const plan = await planInstrumentFile(text, file, routes, ['counter', 'histogram', 'span'], {
      ...OPTS,
      style: 'wrapper',
      workspaceRoot: dir,
    });
    const out = applyEdits(text, plan.edits);
    assert.match(out, /fastify\.post\('\/register', registerOpts\(observeRoute\('POST', '\/register', register\), fastify\)\);/);
    assert.match(out, /fastify\.get\('\/list', observeRoute\('GET', '\/list', safe\(list\)\)\);/);
    assert.match(out, /fastify\.get\('\/health', healthOpts\(\)\);/);
    assert.match(
      plan.summary,
      /GET \/health: its route options are made by `healthOpts\(…\)`, which writes the handler itself: observe it there by hand/,
    );
  });
});
