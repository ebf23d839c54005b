const config = require('./config.json');

exports.leaked = () => config;
