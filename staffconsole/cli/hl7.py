"""`staffconsole hl7 listen | send FILE | status`: the HL7 v2 MLLP interface by hand."""

from __future__ import annotations

import asyncio

from seen.terminal import shown, shown_lines
from staffconsole.cli.common import CliError, open_store, settings_from


def add_parsers(commands, common) -> None:
    hl7 = commands.add_parser("hl7", help="the HL7 v2 (MLLP) interface to the practice system")
    actions = hl7.add_subparsers(dest="hl7_command", required=True, metavar="ACTION")
    listen = actions.add_parser(
        "listen", parents=[common], help="run the MLLP listener (and the arrival sender) alone"
    )
    listen.add_argument("--port", type=int, help="listen port (setting hl7_port)")
    listen.add_argument("--host", help="listen address (setting hl7_host)")
    listen.set_defaults(handler=cmd_listen)
    send = actions.add_parser(
        "send", parents=[common], help="send a file's HL7 message(s) over MLLP, print each ACK"
    )
    send.add_argument("file", help="one or more messages; a line starting MSH begins each")
    send.add_argument("--to", metavar="HOST:PORT", help="destination (setting hl7_destination)")
    send.set_defaults(handler=cmd_send)
    status = actions.add_parser(
        "status", parents=[common], help="the arrival queue: length, oldest, last error"
    )
    status.set_defaults(handler=cmd_status)


def start_beside(settings, port: int | None):
    """The listener (when a port is set) and the sender (when a destination is) in threads."""
    from staffconsole.hl7.listener import ListenerThread
    from staffconsole.hl7.sender import Sender
    from staffconsole.hl7.wiring import listen_options, send_options

    running = []
    options = listen_options(settings, port)
    if options.port:
        listener = ListenerThread(options)
        try:
            listener.start()
        except OSError as e:
            raise CliError(f"HL7 listener cannot listen on port {options.port}: {e.strerror}")
        running.append(listener)
    if settings.hl7_destination:
        sender = Sender(send_options(settings))
        sender.start()
        running.append(sender)
    return running


def cmd_listen(args) -> int:
    from seen import log_setup
    from staffconsole.hl7.listener import Listener
    from staffconsole.hl7.sender import Sender
    from staffconsole.hl7.wiring import listen_options, send_options

    settings = settings_from(args, hl7_port=args.port, hl7_host=args.host)
    open_store(args).close()  # creates or migrates the database first
    options = listen_options(settings)
    if not options.port:
        raise CliError("no port: pass --port or set hl7_port")
    log_setup.configure(settings.log_format)
    sender = Sender(send_options(settings)) if settings.hl7_destination else None

    async def serve() -> None:
        listener = Listener(options)
        try:
            await listener.start()
        except OSError as e:
            raise CliError(f"cannot listen on port {options.port}: {e.strerror}") from None
        print(f"HL7 MLLP listener on {options.host}:{listener.port}", flush=True)
        await asyncio.Event().wait()

    if sender:
        sender.start()
    try:
        asyncio.run(serve())
    finally:
        if sender:
            sender.stop()
    return 0


def split_messages(text: str) -> list[str]:
    """A file's messages: each begins at a line starting MSH; CR, CR LF or LF between lines."""
    lines = text.replace("\r\n", "\r").replace("\n", "\r").split("\r")
    messages: list[list[str]] = []
    for line in lines:
        if line.startswith("MSH"):
            messages.append([])
        if line.strip() and messages:
            messages[-1].append(line)
    return ["\r".join(lines) + "\r" for lines in messages]


def cmd_send(args) -> int:
    from staffconsole.hl7.outbound import read_ack
    from staffconsole.hl7.sender import DeliveryError, exchange

    settings = settings_from(args)
    destination = args.to or settings.hl7_destination
    if not destination or ":" not in destination:
        raise CliError("no destination: pass --to HOST:PORT or set hl7_destination")
    try:
        with open(args.file, "rb") as f:
            text = f.read().decode("utf-8-sig")
    except OSError as e:
        raise CliError(f"cannot read {args.file}: {e.strerror}") from None
    except UnicodeDecodeError:
        raise CliError(f"{args.file} is not UTF-8 text") from None
    messages = split_messages(text)
    if not messages:
        raise CliError(f"{args.file} holds no message (no line starts with MSH)")
    worst = 0
    for message in messages:
        try:
            raw = exchange(
                destination,
                message.encode("utf-8"),
                settings.hl7_ack_timeout_s,
                settings.hl7_max_message_bytes,
            )
        except DeliveryError as e:
            raise CliError(str(e)) from None
        print(shown_lines(raw.decode("utf-8", errors="replace").replace("\r", "\n").rstrip()))
        print()
        try:
            code = read_ack(raw).code
        except ValueError:
            code = ""
        if code not in ("AA", "CA"):
            worst = 1
    return worst


def cmd_status(args) -> int:
    from staffconsole.store.hl7_outbound import queue_status

    settings = settings_from(args)
    db = open_store(args)
    try:
        status = queue_status(db)
    finally:
        db.close()
    print(f"destination: {shown(settings.hl7_destination) or '(none: arrivals are not sent)'}")
    print(f"queued: {status['length']}")
    print(f"oldest: {status['oldest'] or '-'}")
    error = status["last_error"]
    print(f"last error: {shown(error) + ' at ' + status['last_error_at'] if error else '-'}")
    return 0
