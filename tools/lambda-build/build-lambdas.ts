import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

import { zipArchive } from './zip-archive.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The functions of the AWS backend, each bundled from `src/lambda/<name>.ts`. */
export const LAMBDA_FUNCTIONS = ['webhook', 'scale-up', 'tenant-manager', 'reconciler'] as const;

/** The file inside each zip; the function's handler setting is `index.handler`. */
export const BUNDLE_FILE = 'index.mjs';

export interface BuiltFunction {
  readonly name: string;
  readonly zipPath: string;
  readonly bytes: number;
  readonly sha256: string;
}

// Some bundled CommonJS modules call require() for Node built-ins, which ESM lacks.
const REQUIRE_SHIM =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * Bundles each handler with esbuild for Node 20 and later (the Lambda runtime is Node 22) as
 * one ES module, and writes `<outDir>/<function>.zip` holding `index.mjs`. Paths in the bundle
 * are relative to the repository, so the output does not depend on where it is built.
 */
export async function buildLambdas(outDir = join(ROOT, 'dist/lambda')): Promise<BuiltFunction[]> {
  mkdirSync(outDir, { recursive: true });
  const built: BuiltFunction[] = [];

  for (const name of LAMBDA_FUNCTIONS) {
    const bundle = await bundleFunction(name);
    const zip = zipArchive([{ name: BUNDLE_FILE, data: bundle }]);
    const zipPath = join(outDir, `${name}.zip`);
    writeFileSync(zipPath, zip);
    built.push({
      name,
      zipPath,
      bytes: zip.length,
      sha256: createHash('sha256').update(zip).digest('hex'),
    });
  }
  return built;
}

async function bundleFunction(name: string): Promise<Uint8Array> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [`src/lambda/${name}.ts`],
    outfile: BUNDLE_FILE,
    bundle: true,
    write: false,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    banner: { js: REQUIRE_SHIM },
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
  });

  const output = result.outputFiles[0];
  if (output === undefined) throw new Error(`esbuild wrote nothing for ${name}`);
  return output.contents;
}
