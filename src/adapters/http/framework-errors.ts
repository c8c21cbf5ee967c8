import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { IdGenerator } from '../../core/ports.ts';
import { sendProblem } from './problem.ts';

/** Fastify's own refusals before routing (a bad percent-encoding: 400, a parameter too long: 414), as problems. */
export const frameworkErrors = (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
  void sendProblem(error, request, reply);
};

const CODE_OF: Record<number, string> = { 400: 'validation', 408: 'validation', 431: 'validation' };

/**
 * What Node's HTTP parser refuses before Fastify sees a request (a broken request line or header: 400,
 * headers too large: 431, a request not complete within the request timeout: 408), answered as a problem
 * on the socket and then closed, as Node does.
 */
export function clientErrorHandler(ids: IdGenerator) {
  return (err: NodeJS.ErrnoException, socket: Socket): void => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const detail = status === 408 ? 'the request was not complete in time' : status === 431 ? 'the request headers are too large' : 'the request is not valid HTTP';
    const code = CODE_OF[status]!;
    const body = JSON.stringify({
      type: `https://monitoring-grid.dev/problems/${code}`, title: STATUS_CODES[status], status, code, detail, instance: '', requestId: ids.next('request'),
    });
    if (socket.writable) {
      socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`);
    }
    socket.destroy(err);
  };
}
