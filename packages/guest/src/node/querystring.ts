// querystring-es3 is Node's own querystring module (legacy API), published for bundlers.
import querystring from 'querystring-es3';
export const { parse, stringify, decode, encode } = querystring;
export const escape = (text: string): string => encodeURIComponent(text);
export const unescape = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};
export default { parse, stringify, decode, encode, escape, unescape };
