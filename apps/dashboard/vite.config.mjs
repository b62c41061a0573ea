import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The API serves dist/ at /; in development `vite` proxies the API so the app keeps one origin.
const api = process.env.NETMORTEM_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1500 },
  server: {
    proxy: {
      '/graphql': { target: api, ws: true },
      '/api': api,
      '/collect.sh': api,
    },
  },
});
