/* global __BUILD_EXFIL_DEFINE__ */
export const leaked = () => ({
  env: process.env.BUILD_EXFIL_ENV_CANARY,
  defined: process.env.BUILD_EXFIL_DEFINED,
  global: typeof __BUILD_EXFIL_DEFINE__ === 'undefined' ? undefined : __BUILD_EXFIL_DEFINE__,
});
