// colors 1.4.44-liberty-2 / faker 6.6.6 (January 2022): the maintainer sabotaged his own packages with an
// infinite loop printing "LIBERTY LIBERTY LIBERTY" and zalgo text, hanging every app that loaded them.
// Recorded here only: containing it is the per-call timeout (issue 5), so the suite never calls americanFlag.

/** The advertised API. */
function red(text) {
  return `\u001b[31m${text}\u001b[39m`;
}

/** The sabotage: never returns. */
function americanFlag() {
  let i = 0;
  for (;;) {
    i++;
    if (i % 1e6 === 0) console.log('LIBERTY LIBERTY LIBERTY');
  }
}

exports.red = red;
exports.americanFlag = americanFlag;
