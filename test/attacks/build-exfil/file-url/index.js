import secret from 'file:///tmp/isolate-deps-build-exfil/secret.json';

export const leaked = () => secret;
