/** fastapi-versioning: the app `VersionedFastAPI(app, …)` returns serves each route of `app` under its version's prefix
 *  only; what the analysis cannot read of the call leaves the full path unknown, with the reason. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';

const ROUTER =
  'from fastapi import APIRouter\nfrom fastapi_versioning import version\n\nrouter = APIRouter(prefix="/items")\n\n\n' +
  '@router.get("/")\n@version(1, 2)\ndef list_items():\n    return []\n';

const paths = async (main: string) =>
  (
    await detectRoutes([
      { path: '/p/app/items.py', text: ROUTER },
      {
        path: '/p/app/main.py',
        text: `from fastapi import FastAPI\nfrom fastapi_versioning import VersionedFastAPI\n\nfrom .items import router\n\n${main}`,
      },
    ])
  ).map((r) => `${r.fullPath ?? `null (${r.fullPathReason}) below ${r.knownSuffix}`}`);

test('the versioned app of an app factory, mounted under a prefix of another app', async () => {
  const main =
    'def create_app():\n    app = FastAPI()\n    app.include_router(router, prefix="/shop")\n    return VersionedFastAPI(app)\n\n\n' +
    'root = FastAPI()\nroot.mount("/api", create_app())\n';
  assert.deepEqual(await paths(main), ['/api/v1_2/shop/items/']);
});

test('a prefix_format an unpacked mapping may give, or naming another field, is unknown', async () => {
  const unpacked = 'app = FastAPI()\napp.include_router(router)\napp = VersionedFastAPI(app, **settings.versioning)\n';
  assert.deepEqual(await paths(unpacked), [
    'null (version prefix (prefix_format of VersionedFastAPI at main.py:8) is a mapping unpacked into the call: **settings.versioning) below /items/',
  ]);
  const field = 'app = FastAPI()\napp.include_router(router)\napp = VersionedFastAPI(app, prefix_format="/{{api}}/{service}/v{major}")\n';
  assert.deepEqual(await paths(field), [
    'null (version prefix (prefix_format of VersionedFastAPI at main.py:8) is a format with a field other than {major} and {minor}: /{{api}}/{service}/v{major}) below /items/',
  ]);
  const escaped = 'app = FastAPI()\napp.include_router(router)\napp = VersionedFastAPI(app, prefix_format="/{{api}}/v{major}.{minor}")\n';
  assert.deepEqual(await paths(escaped), ['/{api}/v1.2/items/']);
});
