// Builds the web app into web/dist, which `assay serve` serves (src/server/static.ts).
// `npx vite --config web/vite.config.ts` runs a dev server that proxies /v1 to `assay serve` on :8080.
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 900,
  },
  server: {
    proxy: { '/v1': { target: 'http://127.0.0.1:8080', changeOrigin: false } },
  },
})
