// path-browserify is Node's posix path module, published for bundlers.
import path from 'path-browserify';
export default path;
export const { resolve, join, normalize, isAbsolute, relative, dirname, basename, extname, sep, delimiter, parse, format } = path;
export const posix = path;
