#!/usr/bin/env python3
"""A static file server on 127.0.0.1 for slipway's payload tests, with ways to misbehave.

usage: http-server.py DIR PORTFILE [--mode ok|cut|die] [--log FILE]
  ok   serve files (Range requests honoured), directory index pages
  cut  the first request of each .rpm gets half the body, then the connection closes
  die  the first .rpm request gets half the body, then the whole server exits
The chosen port is written to PORTFILE once listening; requests go to --log.
"""
import argparse, http.server, os, re, socketserver, sys

ap = argparse.ArgumentParser()
ap.add_argument("dir")
ap.add_argument("portfile")
ap.add_argument("--mode", default="ok", choices=["ok", "cut", "die"])
ap.add_argument("--log")
args = ap.parse_args()
cut_done = set()


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def __init__(self, *a, **kw):
        super().__init__(*a, directory=args.dir, **kw)

    def log_message(self, fmt, *a):
        if args.log:
            with open(args.log, "a") as f:
                f.write("%s range=%s\n" % (self.path, self.headers.get("Range", "-")))

    def do_GET(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path) or not self.path.endswith(".rpm"):
            self.log_message("")
            return super().do_GET()
        self.log_message("")
        try:
            data = open(path, "rb").read()
        except OSError:
            return self.send_error(404)
        start = 0
        m = re.match(r"bytes=(\d+)-$", self.headers.get("Range", ""))
        if m:
            start = int(m.group(1))
            if start >= len(data):
                return self.send_error(416)
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data) - start))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        body = data[start:]
        misbehave = args.mode == "die" or (args.mode == "cut" and self.path not in cut_done)
        if misbehave and len(body) > 1:
            cut_done.add(self.path)
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            if args.mode == "die":
                os._exit(3)
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.wfile.write(body)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


srv = Server(("127.0.0.1", 0), Handler)
with open(args.portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(args.portfile + ".tmp", args.portfile)
srv.serve_forever()
