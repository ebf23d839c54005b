import secret from '/tmp/isolate-deps-build-exfil/secret.json';

export const leaked = () => secret;
