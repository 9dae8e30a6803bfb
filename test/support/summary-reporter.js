/**
 * Prints one closing line, "N passed, M failed, K skipped", after jest's own summary: the plain form that CI reads
 * whatever the test runner.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    process.stdout.write(`\n${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped\n`);
  }
}
module.exports = SummaryReporter;
