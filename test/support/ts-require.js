/**
 * Lets plain Node (a child process, a worker thread) require the TypeScript sources, which jest's transform does
 * not reach: each .ts file is transpiled on load, without type checking.
 */
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true },
  });
  module._compile(outputText, filename);
};
