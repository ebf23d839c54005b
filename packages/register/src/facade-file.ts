/** The file name the CommonJS patch gives a facade (<cache entry>/<root index>.isolate-deps-facade): only the hook loads it. */
export const FACADE_EXTENSION = '.isolate-deps-facade';

/**
 * Symbol.for key of the main thread's function from a facade file name to its value, for a require() that another
 * loader (tsx, for the CommonJS it compiles) sends through the module hooks instead of Module._extensions.
 */
export const FACADE_LOADER = 'isolate-deps.register.facade';
