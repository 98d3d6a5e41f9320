// Adds the `@public` release tag to every top-level declaration protoc-gen-es writes, so the
// generated messages pass the API report's release-tag check like the hand-written code.
// `npm run proto` runs it after `buf generate`; the test of the committed code applies it too.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The generated text with ` * @public` closing each top-level doc comment that has no tag. */
export function addReleaseTags(text) {
  return text.replace(/^\/\*\*\n((?: \*.*\n)*?) \*\/\nexport /gm, (whole, body) =>
    /@(public|beta|alpha|internal)\b/.test(body) ? whole : `/**\n${body} *\n * @public\n */\nexport `,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const file of process.argv.slice(2)) writeFileSync(file, addReleaseTags(readFileSync(file, 'utf8')));
}
