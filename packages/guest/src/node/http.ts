import { Agent, ClientRequest, IncomingMessage, clientFor } from './http-client.ts';
import { METHODS, STATUS_CODES, maxHeaderSize } from './http-constants.ts';
import { OutgoingMessage, Server, ServerResponse, createServer, validateHeaderName, validateHeaderValue } from './http-server.ts';

export { Agent, ClientRequest, IncomingMessage, METHODS, OutgoingMessage, STATUS_CODES, Server, ServerResponse, createServer, maxHeaderSize, validateHeaderName, validateHeaderValue };
export const { request, get } = clientFor('http:');
export const globalAgent = new Agent();
export const setMaxIdleHTTPParsers = (_max: number): void => {};
export default {
  METHODS, STATUS_CODES, Agent, ClientRequest, IncomingMessage, OutgoingMessage, Server, ServerResponse, createServer, validateHeaderName, validateHeaderValue,
  get, request, setMaxIdleHTTPParsers, maxHeaderSize, globalAgent,
};
