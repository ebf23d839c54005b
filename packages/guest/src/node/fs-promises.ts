import { promises } from './fs.ts';
export const { readFile, writeFile, appendFile, stat, lstat, readdir, mkdir, rm, unlink, realpath, access, copyFile, rename, mkdtemp } = promises;
export default promises;
