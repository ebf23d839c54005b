import { Agent, ClientRequest, IncomingMessage, METHODS, STATUS_CODES, clientFor, createServer } from './http-client.ts';
export { Agent, ClientRequest, IncomingMessage, METHODS, STATUS_CODES, createServer };
export const { request, get } = clientFor('https:');
export const globalAgent = new Agent();
export default { request, get, Agent, globalAgent, ClientRequest, IncomingMessage, METHODS, STATUS_CODES, createServer };
