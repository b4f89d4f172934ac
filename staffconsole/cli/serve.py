"""`staffconsole serve` and `staffconsole tls`: run the server, make and renew its certificates."""

from __future__ import annotations

from seen.terminal import shown
from staffconsole.cli.common import CliError, settings_from


def add_parsers(commands, common) -> None:
    serve = commands.add_parser("serve", parents=[common], help="run the server")
    serve.add_argument("--host", help="listen address (setting host)")
    serve.add_argument("--port", type=int, help="listen port (setting port)")
    serve.add_argument(
        "--tls-cert", metavar="PEM", help="serve HTTPS with this certificate (setting tls_cert)"
    )
    serve.add_argument("--tls-key", metavar="PEM", help="its private key (setting tls_key)")
    serve.add_argument(
        "--hl7-port",
        type=int,
        help="also run the HL7 MLLP listener on this port (setting hl7_port)",
    )
    serve.set_defaults(handler=cmd_serve)

    tls = commands.add_parser("tls", help="certificates for HTTPS on the clinic network")
    tls_commands = tls.add_subparsers(dest="tls_command", required=True, metavar="ACTION")
    tls_init = tls_commands.add_parser(
        "init", help="make a clinic CA (or reuse the one in --dir) and a server certificate"
    )
    tls_init.add_argument(
        "--dir", required=True, help="folder for ca.pem, ca.key, server.pem, server.key"
    )
    tls_init.add_argument(
        "--san",
        action="append",
        required=True,
        metavar="NAME_OR_IP",
        help="a host name or IP address kiosks use for the server (repeat)",
    )
    tls_init.add_argument("--clinic", default="Seen Clinic", help="clinic name in the CA")
    tls_init.add_argument(
        "--days", type=int, default=825, help="server certificate lifetime in days"
    )
    tls_init.set_defaults(handler=cmd_tls_init)
    tls_renew = tls_commands.add_parser(
        "renew",
        help="a new server certificate for the same names from the same CA (kiosks need nothing)",
    )
    tls_renew.add_argument("--dir", required=True, help="the folder `tls init` made")
    tls_renew.add_argument(
        "--days", type=int, default=825, help="server certificate lifetime in days"
    )
    tls_renew.set_defaults(handler=cmd_tls_renew)


def cmd_serve(args) -> int:
    # The web stack and the certificate code load only for the commands that use them:
    # they take most of a second to import on a Pi, and `kiosk add` needs neither.
    import uvicorn

    from seen import log_setup
    from staffconsole.app import create_app
    from staffconsole.serving import uvicorn_options

    settings = settings_from(
        args, host=args.host, port=args.port, tls_cert=args.tls_cert, tls_key=args.tls_key
    )
    from staffconsole.tls import TlsError
    from staffconsole.tls_policy import serve_options

    try:
        tls = serve_options(settings, args.config)
    except TlsError as e:
        raise CliError(str(e)) from None
    app = create_app(settings)
    # HL7 v2 beside the web server: its listener and the arrival sender (cli/hl7.py).
    from staffconsole.cli.hl7 import start_beside

    log_setup.configure(settings.log_format)  # before uvicorn does: the threads log from now
    start_beside(settings, args.hl7_port)
    # Open console streams never end on their own: without a limit, stopping the server
    # would wait for every receptionist to close the page.
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info",
        # Logger names, journald priorities, text or JSON; no request data or patient
        # text in any log line or traceback (seen/log_setup.py).
        log_config=log_setup.config(settings.log_format),
        timeout_graceful_shutdown=2,
        **tls,
        # Connection limits that keep kiosks answered (staffconsole/serving/).
        **uvicorn_options(settings),
    )
    return 0


def cmd_tls_init(args) -> int:
    from staffconsole.tls import TlsError, init

    try:
        issued = init(args.dir, args.san, clinic=args.clinic, days=args.days)
    except TlsError as e:
        raise CliError(str(e)) from None
    folder = shown(issued.folder)
    print(
        ("Made a new clinic CA" if issued.ca_created else "Reused the clinic CA")
        + f" in {folder}; server certificate for "
        + ", ".join(shown(name) for name in issued.dns_names + issued.ip_addresses)
        + f", valid until {issued.not_after:%Y-%m-%d}."
    )
    print(
        f"Serve with:  staffconsole serve --tls-cert {folder}/server.pem "
        f"--tls-key {folder}/server.key"
    )
    print(
        f"On each kiosk: copy {folder}/ca.pem and set ca_file to it in kiosk.toml; "
        "server_url = https://<one of the names above>:<port>."
    )
    print(f"Keep {folder}/ca.key private: whoever has it can impersonate the server.")
    return 0


def cmd_tls_renew(args) -> int:
    from datetime import UTC, datetime

    from seen.cert_expiry import expires_soon, expiry_words
    from staffconsole.tls import TlsError, renew

    now = datetime.now(UTC)
    try:
        renewed = renew(args.dir, now=now, days=args.days)
    except TlsError as e:
        raise CliError(str(e)) from None
    issued = renewed.issued
    folder = shown(issued.folder)
    print(
        f"Renewed the server certificate in {folder} for "
        + ", ".join(shown(name) for name in issued.dns_names + issued.ip_addresses)
        + f": valid until {issued.not_after:%Y-%m-%d} "
        f"(the old one: {renewed.previous_not_after:%Y-%m-%d})."
    )
    print(
        "Restart the server to serve it: sudo systemctl restart seen-console "
        "(the running server keeps the old one until then)."
    )
    print(
        f"Kiosks need nothing: the clinic CA ({folder}/ca.pem, valid until "
        f"{renewed.ca_not_after:%Y-%m-%d}) is unchanged."
    )
    if expires_soon(renewed.ca_not_after, now):
        print(
            f"Warning: {expiry_words('the clinic CA', renewed.ca_not_after, now)}, and no "
            "certificate it signs lasts longer: make a new CA (move ca.* away, `tls init`) "
            "and copy the new ca.pem to every kiosk."
        )
    return 0
