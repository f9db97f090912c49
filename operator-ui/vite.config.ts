// The operator console's build: run from the repo root (`npm run build:ui`), so paths are anchored to this file.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
// `npm run dev:ui` proxies to a VIC started with `npm start` (PORT 3000 unless VIC_URL says otherwise).
const backend = process.env.VIC_URL ?? 'http://localhost:3000';

export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: {
      '/api': backend,
      '/socket.io': { target: backend, ws: true },
    },
  },
});
