"""A real SMTP server for tests and benchmarks (aiosmtpd), run by Debian's /usr/bin/python3.

    smtp_sink.py PORT DIR      each accepted message is written to DIR as <n>.eml
    smtp_sink.py PORT - [N]    messages are accepted and dropped (benchmarks), by N processes
                               sharing the port (SO_REUSEPORT), so the sink is not the bottleneck

Recipients whose local part starts with `reject` get 550 (permanent); `busy` gets 451
(temporary). The server runs until it is killed.
"""

import asyncio
import ctypes
import itertools
import os
import signal
import sys

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.counter = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 no such user here"
        if local.startswith("busy"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.folder is not None:
            name = os.path.join(self.folder, f"{next(self.counter):06d}.eml")
            with open(name + ".part", "wb") as f:
                f.write(envelope.original_content or envelope.content)
            os.replace(name + ".part", name)
        return "250 Message accepted"


async def serve(handler, port):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="sink.test"), "127.0.0.1", port, reuse_port=True
    )
    print("ready", flush=True)
    await server.serve_forever()


def main():
    port = int(sys.argv[1])
    folder = None if sys.argv[2] == "-" else sys.argv[2]
    processes = int(sys.argv[3]) if len(sys.argv) > 3 and folder is None else 1
    if folder is not None:
        os.makedirs(folder, exist_ok=True)
    for _ in range(processes - 1):
        if os.fork() == 0:
            # Die with the parent, which is the process the benchmark kills.
            ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
            break
    try:
        asyncio.run(serve(Sink(folder), port))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
