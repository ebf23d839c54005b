import { runInNewContext } from 'node:vm';
import rewritePattern from 'regexpu-core';

// esbuild prints lowered regular expression literals exactly like this: the pattern as a double-quoted
// string, or as a template literal (without substitutions) when it contains both kinds of quote.
const LOWERED_REGEXP = /new RegExp\(("(?:[^"\\\n]|\\.)*"|`(?:[^`\\$]|\\[^]|\$(?!\{))*`), ?"([dgimsuvy]*)"\)/g;

/**
 * The guest engine (StarlingMonkey) is built without Unicode property data: /\p{L}/u is a SyntaxError
 * inside it. esbuild lowers such literals to `new RegExp("...", "u")`; here each pattern that uses
 * \p{...} is rewritten into explicit code point ranges with regexpu-core (Babel's rewriter), on the
 * host, at build time. Patterns built from strings at run time are not covered (see README, Limits).
 */
export function rewriteUnicodePropertyEscapes(code: string): string {
  return code.replace(LOWERED_REGEXP, (whole, literal: string, flags: string) => {
    const sets = flags.includes('v');
    if (!sets && !literal.includes('\\\\p{') && !literal.includes('\\\\P{')) return whole;
    // The match is one string literal without substitutions, so evaluating it only unescapes it.
    const pattern = runInNewContext(literal) as string;
    // A `v` (unicodeSets) pattern may use properties of strings (\p{RGI_Emoji}) and set operations: both
    // become plain alternatives and classes, valid under `u`.
    const rewritten = (rewritePattern as (p: string, f: string, o: object) => string)(pattern, flags, { unicodePropertyEscapes: 'transform', unicodeSetsFlag: 'transform' });
    return `new RegExp(${JSON.stringify(rewritten)}, ${JSON.stringify(sets ? flags.replace('v', 'u') : flags)})`;
  });
}
