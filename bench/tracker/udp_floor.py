"""The floor of a Python UDP server on uvloop: reply to every datagram with fixed bytes, nothing else.

    .venv/bin/python bench/tracker/udp_floor.py --port PORT [--seconds 60]

It replies to a BEP 15 connect or announce from `udp_load.py` with the request's
action and transaction id followed by 340 zero bytes (the size of an announce
response with 50 peers), so the load generator counts the replies as responses.
Run `udp_load.py --server-pid PID` against it to measure the cost of uvloop's
callback and the two system calls per request, without any tracker code.
Listens on 127.0.0.1 only and stops after --seconds.
"""

import argparse
import asyncio

import uvloop

PADDING = bytes(340)


class FixedReply(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        # Bytes 8 to 16 of a request are its action and transaction id, which every response starts with.
        self.transport.sendto(data[8:16] + PADDING, addr)


async def serve(port: int, seconds: float) -> None:
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(FixedReply, local_addr=("127.0.0.1", port))
    try:
        await asyncio.sleep(seconds)
    finally:
        transport.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="UDP port on 127.0.0.1")
    parser.add_argument("--seconds", type=float, default=60.0, help="stop after this many seconds (default 60)")
    arguments = parser.parse_args()
    uvloop.run(serve(arguments.port, arguments.seconds))


if __name__ == "__main__":
    main()
