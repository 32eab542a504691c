// Integration tests start gateways as real child processes (to kill them), so they need the build.
const { execFileSync } = require('node:child_process');
module.exports = async () => {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit', cwd: __dirname + '/../..' });
};
