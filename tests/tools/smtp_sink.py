"""A real SMTP server for tests and benchmarks (aiosmtpd), run by Debian's /usr/bin/python3.

    smtp_sink.py PORT DIR      each accepted message is written to DIR as <n>.eml
    smtp_sink.py PORT -        messages are accepted and dropped (benchmarks)

Recipients whose local part starts with `reject` get 550 (permanent); `busy` gets 451
(temporary). The server runs until it is killed.
"""

import asyncio
import itertools
import os
import sys

from aiosmtpd.controller import Controller


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


def main():
    port = int(sys.argv[1])
    folder = None if sys.argv[2] == "-" else sys.argv[2]
    if folder is not None:
        os.makedirs(folder, exist_ok=True)
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        asyncio.get_event_loop_policy().get_event_loop().run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
