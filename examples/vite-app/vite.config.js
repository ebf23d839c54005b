import { defineConfig } from 'vite';
import isolateDeps from 'isolate-deps/vite';

export default defineConfig({
  plugins: [isolateDeps({ policy: 'isolate-deps.policy.json', onViolation: './src/show-violation.js' })],
});
