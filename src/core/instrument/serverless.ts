/**
 * Serverless deployments: a service deployed as functions (Vercel, Netlify, AWS Lambda through the Serverless
 * Framework, SAM, Zappa, an adapter such as serverless-http or Mangum) runs each request in short-lived instances, and
 * Prometheus has no long-running process to scrape: the counters and histogram the helper defines count per instance
 * and are gone when it stops. Instrument Route still writes them (the same code often also runs as a server, in
 * development or in another deployment), and says so in one sentence, as it says which libraries to install.
 *
 * Evidence, in the folders from the file's up to the workspace root (else to the repository's top), nearest first: a
 * deployment file (vercel.json, netlify.toml, serverless.yml, zappa_settings.json, a SAM template declaring
 * `AWS::Serverless::Function`), or a manifest of the service declaring an adapter. Bounded reads; never throws.
 */
import * as path from 'node:path';
import { exists, foldersUp, manifestNames, readManifest } from './manifests';

/** Deployment files, and the platform each names. */
const DEPLOY_FILES: [string, string][] = [
  ['vercel.json', 'Vercel'],
  ['netlify.toml', 'Netlify'],
  ['serverless.yml', 'the Serverless Framework'],
  ['serverless.yaml', 'the Serverless Framework'],
  ['serverless.ts', 'the Serverless Framework'],
  ['zappa_settings.json', 'Zappa (AWS Lambda)'],
  ['zappa_settings.yaml', 'Zappa (AWS Lambda)'],
];
const SAM_TEMPLATES = ['template.yaml', 'template.yml'];
/** Adapters that run an HTTP app as functions: npm packages, Python distributions (as manifests write them). */
const JS_ADAPTERS = [
  '@sveltejs/adapter-vercel',
  '@sveltejs/adapter-netlify',
  '@netlify/functions',
  'serverless-http',
  '@vendia/serverless-express',
  '@codegenie/serverless-express',
  '@fastify/aws-lambda',
];
const PY_ADAPTERS = /(?:^|[\s"'[,])(mangum|serverless[-_]wsgi|apig[-_]wsgi|aws[-_]wsgi|zappa)(?![\w.-])/im;

/** The deployment file or adapter that makes `dir` a serverless deployment, shown as `Platform (evidence)`. */
async function evidenceIn(dir: string, python: boolean): Promise<string | undefined> {
  for (const [name, platform] of DEPLOY_FILES) if (await exists(path.join(dir, name))) return `${platform} (${name})`;
  for (const name of SAM_TEMPLATES) {
    if ((await readManifest(dir, name))?.includes('AWS::Serverless::Function')) return `AWS SAM (${name})`;
  }
  for (const name of await manifestNames(dir, python)) {
    const text = (await readManifest(dir, name)) ?? '';
    if (python) {
      const m = PY_ADAPTERS.exec(text);
      if (m) return `${m[1]} (${name})`;
      continue;
    }
    try {
      const pkg = JSON.parse(text) as Record<string, unknown>;
      const deps = ['dependencies', 'devDependencies'].flatMap((k) => Object.keys((pkg[k] as object | null) ?? {}));
      const adapter = JS_ADAPTERS.find((a) => deps.includes(a));
      if (adapter) return `${adapter} (${name})`;
    } catch {
      /* unreadable: says nothing */
    }
  }
  return undefined;
}

/**
 * The one-sentence note for a file whose service deploys as serverless functions; undefined when nothing says so.
 * The evidence shown is a file name or package name from fixed lists, never text read from the repository.
 */
export async function serverlessNote(file: string, o: { python: boolean; root?: string | undefined }): Promise<string | undefined> {
  for (const d of await foldersUp(file, o.root)) {
    const evidence = await evidenceIn(d, o.python);
    if (evidence) {
      return (
        `this service deploys as serverless functions on ${evidence}: each instance counts only its own requests and ` +
        `nothing scrapes it, so Prometheus sees these metrics only where the app runs as a long-running server ` +
        `(elsewhere, export them over OTLP or use the traces)`
      );
    }
  }
  return undefined;
}
