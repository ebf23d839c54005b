const addon = require('./addon.node');

exports.leaked = () => addon;
