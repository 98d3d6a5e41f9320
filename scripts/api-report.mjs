// Checks the public API against the reports committed under etc/. With --local the reports are
// rewritten instead (run `npm run api-report:update` after an intended API change, and commit).
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const local = process.argv.includes('--local');
let failed = false;
for (const file of ['api-extractor.json', 'api-extractor.vpp-api.json']) {
  const config = ExtractorConfig.loadFileAndPrepare(new URL(`../${file}`, import.meta.url).pathname);
  const result = Extractor.invoke(config, { localBuild: local, showVerboseMessages: false });
  if (!result.succeeded || result.warningCount > 0) {
    failed = true;
    process.stderr.write(
      `api-report: ${file}: ${result.errorCount} error(s), ${result.warningCount} warning(s)` +
        (result.apiReportChanged && !local
          ? ' — the public API changed: review it and run `npm run api-report:update`\n'
          : '\n'),
    );
  } else {
    process.stdout.write(
      `api-report: ${file}: ${result.apiReportChanged ? 'report updated' : 'unchanged'}\n`,
    );
  }
}
process.exitCode = failed ? 1 : 0;
