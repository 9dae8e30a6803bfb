/**
 * Runs one parser on one input in a worker thread, so a parser that never returns (a runaway regular expression,
 * an endless loop) can be stopped from outside and reported, instead of freezing the test run.
 * Plain JavaScript with the TypeScript require hook of test/support/ts-require.js: jest's transform does not reach worker threads.
 */
const { parentPort } = require('node:worker_threads');
const path = require('node:path');

require('../support/ts-require');

const analyzers = path.resolve(__dirname, '..', '..', 'src', 'analyzers');
const load = (name) => require(path.join(analyzers, name, 'index.ts'));
const NOW = new Date('2026-11-20T15:00:00Z');

const PARSERS = {
  ndr: (text) => load('ndr').analyzeNdr(text),
  headers: (text) => load('headers').analyzeHeaders(text),
  intent: (text) => load('intent').parseRequest(text, { now: NOW, timeZone: 'America/New_York' }),
  spf: (text) => load('spf').parseSpfRecord(text),
  dmarc: (text) => load('dmarc').parseDmarcRecord(text),
};

parentPort.on('message', ({ id, parser, text }) => {
  const started = performance.now();
  try {
    const result = PARSERS[parser](text);
    // The result must be plain data the bot can put in a card or log: serialisable, not a throw waiting to happen.
    const size = JSON.stringify(result ?? null).length;
    parentPort.postMessage({ id, ok: true, ms: performance.now() - started, size });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, ms: performance.now() - started, error: String((error && error.stack) || error) });
  }
});
// Load (and transpile) every parser before saying ready, so the hang guard times parsing, not the TypeScript compiler.
for (const name of ['ndr', 'headers', 'intent', 'spf', 'dmarc']) load(name);
parentPort.postMessage({ ready: true });
