// esbuild bundles every file the pattern can match: here, the folder above the package.
exports.leaked = (name) => require('../' + name + '.json');
