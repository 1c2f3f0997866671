"""A browser keeps several connections open to one host (Chromium: six). The
web servers give every open connection a thread until it closes; with fewer
threads than a browser's connections, a request on a further connection waits
until an idle one times out: pages once took 5-6 s to load this way.

`check_unhurried(open_socket, host, path, held)` holds `held` connections busy
(each has sent half a request's headers, as a slow browser might), then asks for
`path` on one more connection: it must be answered while the others still wait,
and afterwards each held connection, finishing its request, must be answered
too. With a pool smaller than `held`, the extra request is served only after
the held ones time out, so their answers never come (the server has closed
them); no timing is measured."""
import socket


def _answer(sock):
    """The status code of one HTTP response read from sock ('' when closed first)."""
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            return ""
        data += chunk
    return data.split(b" ", 2)[1].decode()


def check_unhurried(test, open_socket, host, path, held=7):
    head = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n"
    waiting = []
    try:
        for _ in range(held):
            s = open_socket()
            s.sendall(head.encode())  # headers not finished: the server's thread waits for the rest
            waiting.append(s)
        extra = open_socket()
        waiting.append(extra)
        extra.sendall((head + "Connection: close\r\n\r\n").encode())
        test.assertEqual(_answer(extra), "200", "a request beside the held connections is answered")
        for s in waiting[:-1]:
            s.sendall(b"Connection: close\r\n\r\n")
            test.assertEqual(_answer(s), "200", "each held connection is still served")
    finally:
        for s in waiting:
            s.close()


def plain(host_port, timeout=30):
    h, p = host_port.rsplit(":", 1)
    return lambda: socket.create_connection((h, int(p)), timeout=timeout)


def tls(host_port, ctx, timeout=30):
    h, p = host_port.rsplit(":", 1)
    return lambda: ctx.wrap_socket(socket.create_connection((h, int(p)), timeout=timeout), server_hostname=h)
