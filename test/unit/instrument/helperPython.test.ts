/**
 * Wrapper style, Python: one helper per service, imported the way the project imports the route file's package, also
 * when the route file's own imports name no module of the project (a Flask app run from the repository root whose
 * blueprints are imported as `apps.<name>.views`, some in regular packages, some in namespace packages).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { pythonHelperLocation } from '../../../src/core/instrument/helperLocation';
import { tempDir } from '../../support/tempTree';

const VIEW =
  'from flask import Blueprint, render_template\n\nbp = Blueprint("bp", __name__)\n\n\n@bp.route("/")\ndef index():\n    return "x"\n';

function project(files: Record<string, string>): string {
  const root = tempDir('tl-pyhelper-');
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

describe('wrapper style: the Python helper of a service whose route files import nothing of the project', () => {
  const root = project({
    'apps/app.py': [
      'from flask import Flask',
      'from apps.config import config',
      'def create_app():',
      '  app = Flask(__name__)',
      '  from apps.auth import views as auth_views',
      '  from apps.logistics import views as logistics_views',
      '  from apps.overcome.views import overcome',
      '  import apps.crud.views',
      '  return app',
      '',
    ].join('\n'),
    'apps/config.py': 'config = {}\n',
    'apps/auth/views.py': `from apps.config import config\n${VIEW}`,
    'apps/logistics/__init__.py': '',
    'apps/logistics/views.py': VIEW,
    'apps/overcome/views.py': VIEW,
    'apps/crud/__init__.py': '',
    'apps/crud/views.py': `from .models import db\n${VIEW}`,
    'apps/crud/models.py': 'db = None\n',
  });
  const helper = path.join(root, 'apps', 'telemetry_routes.py');

  it('a regular and a namespace package imported by the app as apps.<name>: apps/telemetry_routes.py as apps.telemetry_routes', async () => {
    for (const rel of ['apps/auth/views.py', 'apps/logistics/views.py', 'apps/overcome/views.py']) {
      const file = path.join(root, rel);
      const h = await pythonHelperLocation(file, fs.readFileSync(file, 'utf8'));
      assert.deepEqual([h.path, h.module], [helper, 'apps.telemetry_routes'], rel);
    }
  });

  it('a file with relative imports in a package the app imports absolutely: the same helper, imported relatively', async () => {
    const file = path.join(root, 'apps', 'crud', 'views.py');
    const h = await pythonHelperLocation(file, fs.readFileSync(file, 'utf8'));
    assert.deepEqual([h.path, h.module], [helper, '..telemetry_routes']);
  });

  it('a module nobody imports through a package keeps its own folder', async () => {
    const lone = project({ 'tool/serve.py': VIEW, 'tool/run.py': 'import serve\n' });
    const h = await pythonHelperLocation(path.join(lone, 'tool', 'serve.py'), VIEW);
    assert.deepEqual([h.path, h.module], [path.join(lone, 'tool', 'telemetry_routes.py'), 'telemetry_routes']);
  });

  it('a neighbour edited after a first look is read again: the service it now imports the file through', async () => {
    const svc = project({ 'svc/tool/serve.py': VIEW, 'svc/tool/run.py': 'import serve\n' });
    const file = path.join(svc, 'svc', 'tool', 'serve.py');
    const first = await pythonHelperLocation(file, VIEW);
    assert.deepEqual([first.path, first.module], [path.join(svc, 'svc', 'tool', 'telemetry_routes.py'), 'telemetry_routes']);
    fs.writeFileSync(path.join(svc, 'svc', 'tool', 'run.py'), 'import svc.tool.serve\n');
    const again = await pythonHelperLocation(file, VIEW);
    assert.deepEqual([again.path, again.module], [path.join(svc, 'svc', 'telemetry_routes.py'), 'svc.telemetry_routes']);
  });
});

describe('wrapper style: the Python helper of blueprints in a namespace folder of the app package', () => {
  // app/blueprints/ has no __init__.py: a namespace package inside the regular package app/ (supplier_portal's layout)
  const root = project({
    'app/__init__.py': 'from flask import Flask\n',
    'app/extensions.py': 'db = None\n',
    'app/blueprints/tasks/__init__.py': 'from flask import Blueprint\ntasks_bp = Blueprint("tasks", __name__)\nfrom . import routes\n',
    'app/blueprints/tasks/routes.py': `from . import tasks_bp\nfrom ...extensions import db\n${VIEW}`,
    'app/blueprints/cp/routes.py': `from app.extensions import db\n${VIEW}`,
    'app/blueprints/main/routes.py': `from . import main_bp\n${VIEW}`,
    'app/blueprints/main/__init__.py': 'from flask import Blueprint\nmain_bp = Blueprint("main", __name__)\n',
  });
  const helper = path.join(root, 'app', 'telemetry_routes.py');

  it('relative imports climbing through the namespace folder: the app package holds the one helper', async () => {
    const tasks = path.join(root, 'app', 'blueprints', 'tasks', 'routes.py');
    const h = await pythonHelperLocation(tasks, fs.readFileSync(tasks, 'utf8'));
    assert.deepEqual([h.path, h.module], [helper, '...telemetry_routes']);
    const cp = path.join(root, 'app', 'blueprints', 'cp', 'routes.py');
    const abs = await pythonHelperLocation(cp, fs.readFileSync(cp, 'utf8'));
    assert.deepEqual([abs.path, abs.module], [helper, 'app.telemetry_routes']);
  });

  it('a file whose relative imports stay in its own package, the package imported absolutely by the app: the app package', async () => {
    // zaralearning's layout: register_blueprints.py does `from app.blueprints.auth import bp`; auth/views.py imports only relatively
    const zara = project({
      'app/__init__.py': 'from flask import Flask\n',
      'app/register_blueprints.py': 'from app.blueprints.auth import bp as auth_bp\n',
      'app/blueprints/auth/__init__.py': 'from flask import Blueprint\nbp = Blueprint("auth", __name__)\nfrom . import views\n',
      'app/blueprints/auth/views.py': `from . import bp\nfrom .models import Account\n${VIEW}`,
      'app/blueprints/auth/models.py': 'Account = None\n',
    });
    const views = path.join(zara, 'app', 'blueprints', 'auth', 'views.py');
    const h = await pythonHelperLocation(views, fs.readFileSync(views, 'utf8'));
    assert.deepEqual([h.path, h.module], [path.join(zara, 'app', 'telemetry_routes.py'), '...telemetry_routes']);
  });

  it('a file whose relative imports stay in its own package, the namespace folder above: its own package', async () => {
    const main = path.join(root, 'app', 'blueprints', 'main', 'routes.py');
    const h = await pythonHelperLocation(main, fs.readFileSync(main, 'utf8'));
    assert.deepEqual([h.path, h.module], [path.join(root, 'app', 'blueprints', 'main', 'telemetry_routes.py'), '.telemetry_routes']);
  });
});

describe('wrapper style: the Python helper of a service run from inside a folder that has an __init__.py', () => {
  // start.sh does `cd app/app && python3 main.py`: app/app/__init__.py exists, but its modules import each other as top level
  const root = project({
    'backend/app/app/__init__.py': '',
    'backend/app/app/main.py': 'from fastapi import FastAPI\nfrom core.config import settings\nfrom routes import routers\n',
    'backend/app/app/core/__init__.py': '',
    'backend/app/app/core/config.py': 'settings = None\n',
    'backend/app/app/routes/__init__.py': 'from .actions import router\nrouters = [router]\n',
    'backend/app/app/routes/actions/__init__.py': 'from fastapi import APIRouter\nfrom . import health\nrouter = APIRouter()\n',
    'backend/app/app/routes/actions/health.py':
      'from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("/health")\ndef health():\n    return {}\n',
  });
  const helper = path.join(root, 'backend', 'app', 'app', 'telemetry_routes.py');

  it('the entry module and a route file importing nothing of the project both import it top level, from the folder it runs from', async () => {
    for (const rel of ['backend/app/app/main.py', 'backend/app/app/routes/actions/health.py']) {
      const file = path.join(root, rel);
      const h = await pythonHelperLocation(file, fs.readFileSync(file, 'utf8'));
      assert.deepEqual([h.path, h.module], [helper, 'telemetry_routes'], rel);
    }
  });

  it('a package module named like the library it imports (proj/celery.py: `from celery import Celery`) is no sign of that', async () => {
    const pkg = project({
      'proj/__init__.py': '',
      'proj/celery.py': 'from celery import Celery\napp = Celery("proj")\n',
      'proj/views.py': VIEW,
    });
    const file = path.join(pkg, 'proj', 'views.py');
    const h = await pythonHelperLocation(file, VIEW);
    assert.deepEqual([h.path, h.module], [path.join(pkg, 'proj', 'telemetry_routes.py'), 'proj.telemetry_routes']);
  });
});

describe('wrapper style: the Python helper of route modules a sibling imports relatively, in namespace packages', () => {
  // UniJob's layout: no __init__.py anywhere, run as `uvicorn backend.routes.api:app` from the repository root; api.py
  // imports its routers relatively, some of them import backend.* absolutely, others nothing of the project
  const ROUTER = 'from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("/courses")\ndef courses():\n    return {}\n';
  const root = project({
    'backend/routes/api.py': 'from fastapi import FastAPI\nfrom .edu import router as edu_router\nfrom .auth_page import router as auth\n',
    'backend/routes/edu.py': ROUTER,
    'backend/routes/test.py': ROUTER,
    'backend/routes/auth_page.py': `from ..database.models import User\nfrom backend.database.fake import create\n${ROUTER}`,
    'backend/database/models.py': 'User = None\n',
    'backend/database/fake.py': 'create = None\n',
  });
  const helper = path.join(root, 'backend', 'telemetry_routes.py');

  it('a router importing nothing of the project shares the package helper of its siblings', async () => {
    const expected = {
      'backend/routes/edu.py': '..telemetry_routes',
      'backend/routes/auth_page.py': 'backend.telemetry_routes',
      // a module nothing imports: only the absolute name its siblings' imports prove resolves
      'backend/routes/test.py': 'backend.telemetry_routes',
    };
    for (const [rel, module] of Object.entries(expected)) {
      const file = path.join(root, rel);
      const h = await pythonHelperLocation(file, fs.readFileSync(file, 'utf8'));
      assert.deepEqual([h.path, h.module], [helper, module], rel);
    }
  });

  it('imported relatively by a sibling whose imports name nothing above: a module of its own package', async () => {
    const flat = project({ 'svc/api.py': 'from .edu import router\n', 'svc/edu.py': ROUTER });
    const h = await pythonHelperLocation(path.join(flat, 'svc', 'edu.py'), ROUTER);
    assert.deepEqual([h.path, h.module], [path.join(flat, 'svc', 'telemetry_routes.py'), '.telemetry_routes']);
  });
});

describe('wrapper style: the Python helper of a service run from its root, with route modules in a folder without __init__.py', () => {
  // support-mate's ticket-service layout: `uvicorn server:socket_app` from the root (Docker WORKDIR /app); config/ has no
  // __init__.py and holds the app and a router, routes/ is a package whose modules import the service's other packages
  const ROUTER = 'from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("/health")\ndef health():\n    return {}\n';
  const root = project({
    'server.py': 'from config.socketio import socket_app, fastapi_app\n',
    'config/socketio.py': `from fastapi import FastAPI\nfrom routes import api_router\nfrom config.language import _\nfastapi_app = FastAPI()\n${ROUTER}`,
    'config/language.py': '_ = str\n',
    'config/index.py': `from .language import _\nfrom config.socketio import fastapi_app\n${ROUTER}`,
    'config/health.py': `from config.language import _\n${ROUTER}`,
    'routes/__init__.py': 'from .tickets import router as tickets_router\n',
    'routes/tickets.py': `from services.tickets import service\n${ROUTER}`,
    'services/tickets.py': 'service = None\n',
  });

  it('every route module imports the one helper at the root, top level', async () => {
    for (const rel of ['config/socketio.py', 'config/index.py', 'config/health.py', 'routes/tickets.py']) {
      const file = path.join(root, rel);
      const h = await pythonHelperLocation(file, fs.readFileSync(file, 'utf8'));
      assert.deepEqual([h.path, h.module], [path.join(root, 'telemetry_routes.py'), 'telemetry_routes'], rel);
    }
  });
});

describe('wrapper style: the Python helper of routers a package imports relatively to aggregate them', () => {
  const ROUTER = 'from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("/users")\ndef users():\n    return {}\n';

  it('a package above imports the module relatively (`from .endpoints.users import router`): the helper of that package', async () => {
    // endpoints/ has no __init__.py; app/api/v1/__init__.py gathers its routers and main.py includes them
    const root = project({
      'main.py': 'from fastapi import FastAPI\nfrom app.api.v1 import api_router\napp = FastAPI()\napp.include_router(api_router)\n',
      'app/__init__.py': '',
      'app/api/__init__.py': '',
      'app/api/v1/__init__.py':
        'from fastapi import APIRouter\nfrom .endpoints.users import router as users_router\nfrom .endpoints import items\napi_router = APIRouter()\n',
      'app/api/v1/endpoints/users.py': ROUTER,
      'app/api/v1/endpoints/items.py': ROUTER,
    });
    for (const rel of ['app/api/v1/endpoints/users.py', 'app/api/v1/endpoints/items.py']) {
      const file = path.join(root, rel);
      const h = await pythonHelperLocation(file, ROUTER);
      assert.deepEqual([h.path, h.module], [path.join(root, 'app', 'telemetry_routes.py'), '....telemetry_routes'], rel);
    }
  });

  it('main.py imports the aggregated routers over several lines: no second helper inside the aggregating package', async () => {
    // app/ without __init__.py, run as `uvicorn main:app` from the root: one helper there, shared with main.py
    const root = project({
      'main.py':
        'from fastapi import FastAPI\nfrom app.api import (\n    users_router,  # the users\n    items_router,\n)\napp = FastAPI()\n',
      'app/api/__init__.py': 'from .users import router as users_router\nfrom .items import router as items_router\n',
      'app/api/users.py': ROUTER,
      'app/api/items.py': ROUTER,
    });
    for (const rel of ['app/api/users.py', 'app/api/items.py', 'main.py']) {
      const file = path.join(root, rel);
      const h = await pythonHelperLocation(file, fs.readFileSync(file, 'utf8'));
      assert.deepEqual([h.path, h.module], [path.join(root, 'telemetry_routes.py'), 'telemetry_routes'], rel);
    }
  });
});
