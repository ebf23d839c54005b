/** The app of the register tests for instance modes, limits and tracing: calls `misbehaving` as argv says. */
export const EXECUTION_APP = `
  import misbehaving from 'misbehaving';
  const calls = JSON.parse(process.argv[2]);
  const results = [];
  for (const [fn, ...args] of calls) {
    try {
      results.push({ value: misbehaving[fn](...args) });
    } catch (e) {
      results.push({ error: e.name, code: e.code });
    }
  }
  console.log(JSON.stringify(results));
`;
