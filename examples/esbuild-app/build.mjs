import { build } from 'esbuild';
import isolateDeps from 'isolate-deps/esbuild';

const started = performance.now();
await build({
  entryPoints: ['src/app.js'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: 'dist/app.mjs',
  plugins: [
    isolateDeps({
      onCompiled: (c) => console.log(`isolated ${c.name}@${c.version}: ${c.cacheHit ? 'cache hit' : `built in ${(c.timings.componentizeMs / 1000).toFixed(1)} s`}; imports ${c.imports.join(', ')}`),
    }),
  ],
});
console.log(`built dist/app.mjs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
