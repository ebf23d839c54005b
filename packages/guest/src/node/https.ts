import { Agent, clientFor } from './http-client.ts';
import { Server, createServer } from './http-server.ts';

export { Agent, Server, createServer };
export const { request, get } = clientFor('https:');
export const globalAgent = new Agent();
export default { Agent, globalAgent, Server, createServer, get, request };
