const config = require('app-config');

exports.leaked = () => config;
