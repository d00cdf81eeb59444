#!/usr/bin/env python3
"""A delaying loopback TCP proxy for the pipelining benchmark: every chunk of bytes, in either
direction, is delivered DELAY_MS after it arrived (order kept), so a round trip through it
takes twice that on top of the server's own time.

    delay_proxy.py UPSTREAM_HOST UPSTREAM_PORT [--delay-ms 10] [--port 0]

Prints "PORT <n>" on stdout once it listens (port 0: the system picks one), then serves until
killed. One upstream connection per client connection.
"""
import argparse
import asyncio
import socket
import sys


async def pump(reader, writer, delay):
    """Copies reader to writer, each chunk delayed by `delay` seconds from its arrival."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def deliver():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        try:
            writer.write_eof()
        except (OSError, RuntimeError):
            pass

    task = asyncio.create_task(deliver())
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            queue.put_nowait((loop.time() + delay, data))
    except (ConnectionError, OSError):
        pass
    queue.put_nowait((loop.time() + delay, None))
    try:
        await task
    except (ConnectionError, OSError):
        pass


def nodelay(writer):
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--delay-ms", type=float, default=10.0)
    ap.add_argument("--port", dest="listen_port", type=int, default=0)
    args = ap.parse_args()
    delay = args.delay_ms / 1000.0

    async def handle(client_r, client_w):
        try:
            up_r, up_w = await asyncio.open_connection(args.host, args.port)
        except OSError:
            client_w.close()
            return
        nodelay(client_w)
        nodelay(up_w)
        await asyncio.gather(pump(client_r, up_w, delay), pump(up_r, client_w, delay))
        for w in (client_w, up_w):
            w.close()

    server = await asyncio.start_server(handle, "127.0.0.1", args.listen_port)
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
