import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Response schemas of GitHub's REST description, for the tests that check the simulator's
 * answers. The description is tens of megabytes, so the operations asked for are extracted
 * once and cached under node_modules/.cache; later runs read only the small extract. The
 * description is OpenAPI 3.0, whose `nullable` JSON Schema lacks, so it is rewritten as
 * `type: [..., 'null']` on the way.
 */

/** `'<METHOD> <path template>'` → HTTP status → JSON schema of the response body. */
export type ResponseSchemas = Record<string, Record<string, unknown>>;

const resolve = createRequire(import.meta.url).resolve;
const DESCRIPTION = 'generated/api.github.com.deref.json';
/** Bumped whenever the extract's form changes, so old caches are not reused. */
const EXTRACT_FORMAT = 2;

export function loadResponseSchemas(operations: readonly string[]): ResponseSchemas {
  const packageJson = resolve('@octokit/openapi/package.json');
  const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
  const key = createHash('sha256')
    .update(JSON.stringify([version, EXTRACT_FORMAT, ...operations]))
    .digest('hex');
  const cacheFile = join(cacheDir(), `openapi-responses-${key.slice(0, 16)}.json`);

  if (existsSync(cacheFile)) return JSON.parse(readFileSync(cacheFile, 'utf8')) as ResponseSchemas;

  const schemas = extract(join(dirname(packageJson), DESCRIPTION), operations);
  mkdirSync(dirname(cacheFile), { recursive: true });
  // Written aside and renamed, so a parallel run never reads half a file.
  const partial = `${cacheFile}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(schemas));
  renameSync(partial, cacheFile);
  return schemas;
}

function extract(file: string, operations: readonly string[]): ResponseSchemas {
  const description = JSON.parse(readFileSync(file, 'utf8')) as {
    paths: Record<string, Record<string, { responses: Record<string, Response> }>>;
  };

  const schemas: ResponseSchemas = {};
  for (const operation of operations) {
    const [method, path] = operation.split(' ') as [string, string];
    const responses = description.paths[path]?.[method.toLowerCase()]?.responses;
    if (!responses) throw new Error(`GitHub's REST description has no operation '${operation}'`);

    schemas[operation] = {};
    for (const [status, response] of Object.entries(responses)) {
      const schema = response.content?.['application/json']?.schema;
      (schemas[operation] as Record<string, unknown>)[status] =
        schema === undefined ? null : toJsonSchema(schema);
    }
  }
  return schemas;
}

/** OpenAPI 3.0 `nullable: true` as JSON Schema: null joins the types (and the enum). */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== 'object' || node === null) return node;

  const { nullable, ...rest } = node as Record<string, unknown>;
  const converted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    // `properties` and `example` hold names and sample data, not schemas to rewrite.
    converted[key] = key === 'example' ? value : toJsonSchema(value);
  }
  if (nullable !== true) return converted;

  if (Array.isArray(converted.enum)) converted.enum = [...converted.enum, null];
  if (typeof converted.type === 'string') return { ...converted, type: [converted.type, 'null'] };
  return { anyOf: [converted, { type: 'null' }] };
}

interface Response {
  content?: Record<string, { schema?: unknown }>;
}

function cacheDir(): string {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  return join(root, 'node_modules', '.cache', 'github-sim');
}
