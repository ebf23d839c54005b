/** A minimal node:os that reveals nothing about the host. */
export const EOL = '\n';
export const platform = () => 'linux';
export const type = () => 'Linux';
export const arch = () => 'wasm32';
export const release = () => '0.0.0';
export const hostname = () => 'isolated';
export const homedir = () => '/home/isolated';
export const tmpdir = () => '/tmp';
export const endianness = () => 'LE';
export const cpus = () => [];
export const totalmem = () => 0;
export const freemem = () => 0;
export const uptime = () => 0;
export const loadavg = () => [0, 0, 0];
export const networkInterfaces = () => ({});
export const userInfo = () => ({ username: 'isolated', uid: -1, gid: -1, shell: null, homedir: '/home/isolated' });
export const constants = { signals: {}, errno: {} };
export default { EOL, platform, type, arch, release, hostname, homedir, tmpdir, endianness, cpus, totalmem, freemem, uptime, loadavg, networkInterfaces, userInfo, constants };
