/**
 * Loads what `serve` loads at start-up (the server, the composition root, the turn-state storage) with storage
 * configured, builds the services, and prints the packages that ended up loaded. Plain JavaScript with a small
 * TypeScript require hook, in a process of its own, so that jest's module registry does not blur what Node loads.
 */
const path = require('node:path');

require('../support/ts-require');

const src = path.resolve(__dirname, '..', '..', 'src');
require(path.join(src, 'server.ts'));
const { createServices } = require(path.join(src, 'compose.ts'));
const { loadConfig } = require(path.join(src, 'config.ts'));
const { silentLogger } = require(path.join(src, 'log.ts'));
const { createTurnStateStorage } = require(path.join(src, 'ops', 'turn-state.ts'));

const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', STORAGE_CONNECTION_STRING: 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;' });
createServices(config, silentLogger);
createTurnStateStorage(config);

const packages = new Set();
const sources = [];
for (const file of Object.keys(require.cache)) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(file.slice(file.lastIndexOf('node_modules/')));
  if (match) packages.add(match[1] === '@microsoft/teams-ai' && match[2] === 'lib/index.js' ? '@microsoft/teams-ai (index)' : match[1]);
  else if (file.startsWith(src)) sources.push(path.relative(src, file).split(path.sep).join('/'));
}
process.stdout.write(JSON.stringify({ packages: [...packages].sort(), sources: sources.sort() }));
