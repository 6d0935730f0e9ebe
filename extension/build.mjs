// Bundles the extension with esbuild: extension/src/main.ts -> out/main.js.
// With --tests, bundles each extension/test/*.test.ts to out/test/ for
// `node --test` instead (those tests load only pure modules, no vscode).
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const tests = process.argv.includes('--tests');

const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    logLevel: 'warning',
    external: ['vscode'],
};

if (tests) {
    const dir = join(root, 'extension', 'test');
    const entryPoints = readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => join(dir, f));
    await build({ ...common, entryPoints, outdir: join(root, 'out', 'test') });
} else {
    await build({
        ...common,
        entryPoints: [join(root, 'extension', 'src', 'main.ts')],
        outfile: join(root, 'out', 'main.js'),
        minify: process.argv.includes('--minify'),
    });
}
