import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { type LiveEvent, LiveEventsService } from './live-events.service';

interface EventStreamResponse {
  writeHead(status: number, headers: Record<string, string>): void;
  write(chunk: string): boolean;
  end(): void;
  flushHeaders?(): void;
}
interface ClosableRequest {
  on(event: 'close', listener: () => void): void;
}

const KEEPALIVE_MS = 15_000;

@ApiTags('live')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('api')
export class LiveController {
  constructor(private readonly live: LiveEventsService) {}

  @Get('events')
  @ApiOperation({
    summary: 'Server-sent events: every Seedship event as it is published (data: {subject, eventId, occurredAt, payload})',
  })
  @ApiOkResponse({ description: 'text/event-stream; first an `event: ready`, then one message per event, and keep-alive comments' })
  stream(@Req() request: ClosableRequest, @Res() response: EventStreamResponse): void {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // Proxies (nginx ingress) must not buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    response.write('retry: 3000\nevent: ready\ndata: {}\n\n');
    const keepalive = setInterval(() => response.write(': keepalive\n\n'), KEEPALIVE_MS);
    let open = true;
    const disconnect = this.live.connect({
      send: (event: LiveEvent) => {
        if (open) response.write(`id: ${event.eventId}\ndata: ${JSON.stringify(event)}\n\n`);
      },
      close: () => finish(),
    });
    const finish = (): void => {
      if (!open) return;
      open = false;
      clearInterval(keepalive);
      disconnect();
      response.end();
    };
    request.on('close', finish);
  }
}
