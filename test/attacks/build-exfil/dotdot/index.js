const secrets = require('../secrets.json');

exports.leaked = () => secrets;
