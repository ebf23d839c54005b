import stream from 'readable-stream/lib/ours/browser.js';
export const { pipeline, finished } = stream.promises;
export default stream.promises;
