import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

// The dashboard app, built into dist/web of the package, where maglevd-frontend serves it
// from under /view/ and /admin/ (hence relative asset URLs). Everything is bundled: no CDN.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [solid()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  server: {
    // `vite --config web/vite.config.ts` next to a maglevd-frontend on :8080 for development.
    proxy: { '/view/api': 'http://127.0.0.1:8080', '/admin/api': 'http://127.0.0.1:8080' },
  },
});
