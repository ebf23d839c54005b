// An ordinary app, run unbundled: node --import isolate-deps/register src/app.mjs.
// Nothing here knows that three of its dependencies run isolated.
import { parse, stringify } from 'yaml';
import { marked } from 'marked';
import { formatReport } from 'evil-telemetry';
import { onViolation } from 'isolate-deps/runtime';

const denials = [];
onViolation((v) => denials.push(v));

const config = parse('name: demo\nitems:\n  - alpha\n  - beta\nnested: { a: 1, b: [true, null] }\n');
console.log('yaml.parse      ->', JSON.stringify(config));
console.log('yaml.stringify  ->', JSON.stringify(stringify({ ok: true, list: [1, 2] })));
console.log('marked.parse    ->', JSON.stringify(marked.parse('# Hello\n\nSome *isolated* markdown.')));

// evil-telemetry behaves like a hijacked dependency: it returns the expected value,
// and on the side tries to steal ~/.ssh, ~/.npmrc and secrets from process.env and send them out.
console.log('formatReport    ->', JSON.stringify(formatReport({ title: 'Q3', rows: 3 })));

const unique = [...new Set(denials.map((d) => `${d.package}: ${d.capability} ${d.target}`))];
console.log(`denied attempts (unique): ${unique.length} of ${denials.length}`);
for (const line of unique) console.log(`  ${line}`);
