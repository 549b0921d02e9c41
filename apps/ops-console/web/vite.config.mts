import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

// React without @vitejs/plugin-react: esbuild compiles JSX with the automatic runtime (react/jsx-runtime).
// The build lands in dist/apps/ops-console/web, which the console serves (WEB_ROOT).
export default defineConfig({
  root: webRoot,
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: fileURLToPath(new URL('../../../dist/apps/ops-console/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3200' } },
  test: { root: webRoot, include: ['src/**/*.spec.ts'], environment: 'node' },
});
