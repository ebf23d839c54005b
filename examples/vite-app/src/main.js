import { marked } from 'marked';
import { latestQuote, requestQuote } from 'price-feed';
import { parse as parseYaml } from 'yaml';
import { attackLog, shortenAddress } from 'wallet-format';

// Refused attempts are listed by src/show-violation.js, the plugin's onViolation module (vite.config.js).

const source = `---
title: Invoice 42
amount: 0.5 ETH
---
# Invoice 42

Some **isolated** markdown, rendered by \`marked\` inside its own WebAssembly instance.

- front matter parsed by \`yaml\`
- the address below formatted by \`wallet-format\`
`;

const [, frontMatter, body] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(source);
const meta = parseYaml(frontMatter);
document.querySelector('#document').innerHTML = marked.parse(body) + `<p id="amount">Amount: ${meta.amount}</p>`;
document.querySelector('#address').textContent = shortenAddress('0x52908400098527886E0F7030069857D2E4169EE7');
document.querySelector('#inside').textContent = attackLog().join('\n');

// price-feed's grant is this origin: the quote arrives, a request elsewhere is refused before it leaves.
async function settled(url) {
  requestQuote(url);
  let outcome = latestQuote();
  for (let i = 0; i < 100 && outcome.status === 'pending'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    outcome = latestQuote();
  }
  return outcome;
}
const quote = await settled(new URL('/quote.json', location.href).href);
const elsewhere = await settled('https://api.evil.example/quote.json');
document.querySelector('#quote').textContent =
  quote.status === 'ok' ? `${quote.quote.pair} ${quote.quote.price}` : `${quote.status}: ${quote.code} ${quote.message}`;
document.querySelector('#quote').dataset.elsewhere = `${elsewhere.status} ${elsewhere.code}`;
document.body.dataset.ready = 'true';
