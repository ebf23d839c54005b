import config from '/proc/self/cwd/src/config.json';

export const leaked = () => config;
