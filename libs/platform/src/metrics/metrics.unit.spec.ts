import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Registry } from 'prom-client';
import { httpRequestMetrics } from './metrics';

/** A request through the middleware; the router names its route (or not) before the answer is sent. */
function serve(middleware: ReturnType<typeof httpRequestMetrics>, method: string, route: { baseUrl: string; path: string } | undefined, statusCode: number): void {
  const request = { method } as IncomingMessage & { baseUrl?: string; route?: { path: string } };
  const response = Object.assign(new EventEmitter(), { statusCode }) as unknown as ServerResponse;
  middleware(request, response, () => undefined);
  if (route) Object.assign(request, { baseUrl: route.baseUrl, route: { path: route.path } });
  response.emit('finish');
}

describe('HTTP request metrics', () => {
  it('counts answers by method, route template and status; a path no route serves is unmatched', async () => {
    const registry = new Registry();
    const middleware = httpRequestMetrics(registry);
    serve(middleware, 'GET', { baseUrl: '/services', path: '/:serviceId' }, 200);
    serve(middleware, 'GET', { baseUrl: '/services', path: '/:serviceId' }, 404);
    serve(middleware, 'GET', { baseUrl: '/services', path: '/:serviceId' }, 200);
    serve(middleware, 'POST', undefined, 404);
    serve(middleware, 'DELETE', { baseUrl: '', path: '/{*path}' }, 404);

    const text = await registry.metrics();
    expect(text).toContain('http_request_duration_seconds_count{method="GET",route="/services/:serviceId",status="200"} 2');
    expect(text).toContain('http_request_duration_seconds_count{method="GET",route="/services/:serviceId",status="404"} 1');
    expect(text).toContain('http_request_duration_seconds_count{method="POST",route="unmatched",status="404"} 1');
    expect(text).toContain('http_request_duration_seconds_count{method="DELETE",route="unmatched",status="404"} 1');
  });
});
