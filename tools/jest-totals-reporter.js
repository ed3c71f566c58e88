// Records each project's pass/fail counts in tmp/test-totals so that .ci/run can print one
// line of totals over every project of the run, and the names of the tests that failed (the
// end of a CI log is what gets read; the failure itself is further up).
const fs = require('node:fs');
const path = require('node:path');

class TotalsReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const dir = path.join(__dirname, '..', 'tmp', 'test-totals');
    fs.mkdirSync(dir, { recursive: true });
    const name = path.relative(path.join(__dirname, '..'), this.rootDir).replace(/[\\/]/g, '__') || 'root';
    const failedSuites = results.numFailedTestSuites - results.testResults.filter((r) => r.numFailingTests > 0).length;
    const root = path.join(__dirname, '..');
    const failures = results.testResults.flatMap((suite) => {
      const file = path.relative(root, suite.testFilePath);
      const tests = suite.testResults
        .filter((t) => t.status === 'failed')
        .map((t) => `${file} › ${t.fullName} — ${summary(t.failureMessages[0], suite.testFilePath)}`);
      return tests.length === 0 && suite.testExecError ? [`${file} — ${firstLine(suite.testExecError.message)}`] : tests;
    });
    fs.writeFileSync(
      path.join(dir, `${name}.json`),
      JSON.stringify({
        project: name,
        passed: results.numPassedTests,
        // a suite that fails to load has no failing test of its own; count it as one failure
        failed: results.numFailedTests + Math.max(0, failedSuites),
        skipped: results.numPendingTests + results.numTodoTests,
        failures,
      }),
    );
  }
}

/**
 * The failure in one line: its first line, the Expected/Received pair of a matcher, and where in
 * the test file it was thrown, so the end of a CI log alone says which assertion failed.
 */
function summary(text, testFilePath) {
  const lines = plainLines(text);
  const pick = (prefix) => lines.find((l) => l.startsWith(prefix));
  const values = [pick('Expected:'), pick('Received:')].filter(Boolean).map((l) => l.slice(0, 120));
  const frame = lines.find((l) => l.startsWith('at ') && l.includes(testFilePath));
  const at = frame?.match(/:(\d+):\d+\)?$/);
  return [firstLine(text), ...values, at ? `(line ${at[1]})` : ''].filter(Boolean).join(' ');
}

function firstLine(text) {
  return (plainLines(text).find((l) => l !== '') ?? '').slice(0, 240);
}

/** The text's lines without terminal colours, trimmed. */
function plainLines(text) {
  // eslint-disable-next-line no-control-regex
  return String(text ?? '').replace(/\u001b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim());
}

module.exports = TotalsReporter;
