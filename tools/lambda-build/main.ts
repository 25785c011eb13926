import { buildLambdas } from './build-lambdas.js';

const built = await buildLambdas(process.argv[2]);
for (const fn of built) {
  console.log(`${fn.zipPath}  ${(fn.bytes / 1024).toFixed(0)} KiB  sha256:${fn.sha256}`);
}
