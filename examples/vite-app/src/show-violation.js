// Receives every refused attempt of the isolated packages (the plugin's `onViolation` option) and lists
// each one once on the page: yaml, for one, probes two environment variables on every parse.
const shown = new Set();

export default function showViolation({ package: pkg, capability, target }) {
  const line = `${pkg}: ${capability} ${target}`;
  if (shown.has(line)) return;
  shown.add(line);
  const item = document.createElement('li');
  item.textContent = line;
  document.querySelector('#violations').append(item);
}
