#!/usr/bin/env python3
"""Latency from an emit to a subscriber: one relay alone, two relays joined through Redis (emit at
one, subscribe at the other), and Redis pub/sub itself, in the same run, one event at a time.

    python3 bench/backplane-latency.py [events]     # after mvn -B package; needs redis-server

Starts redis-server and three relays on free loopback ports and stops them at the end."""
import http.client, json, os, socket, subprocess, sys, threading, time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
JAR = os.path.join(os.path.dirname(__file__), "..", "relay", "target", "racket-relay.jar")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, deadline=30):
    end = time.time() + deadline
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.05)  # polling for the port, bounded by the deadline
    raise SystemExit(f"nothing listens on {port}")


def relay(port, *args):
    p = subprocess.Popen(["java", "-Xmx256m", "-jar", JAR, "--port", str(port), "--log-level", "warn", *args],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port)
    return p


def sse(port, arrivals, ready):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(f"GET /events?types=lat HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    f = s.makefile("rb")
    ready.set()
    for line in f:
        if line.startswith(b"data: "):
            arrivals[json.loads(line[6:])["body"]["n"]] = time.perf_counter()


def relay_run(emit_port, sub_port):
    arrivals, ready = {}, threading.Event()
    threading.Thread(target=sse, args=(sub_port, arrivals, ready), daemon=True).start()
    ready.wait(10)
    time.sleep(0.5)  # the subscription registers; nothing to poll for over plain SSE
    c = http.client.HTTPConnection("127.0.0.1", emit_port)
    out = []
    for n in range(N):
        t = time.perf_counter()
        c.request("POST", "/events", json.dumps({"type": "lat", "n": n}), {"Content-Type": "application/json"})
        c.getresponse().read()
        while n not in arrivals:
            if time.perf_counter() - t > 10:
                raise SystemExit(f"event {n} never arrived")
            time.sleep(0)  # yield: the reader thread records the arrival
        out.append(arrivals[n] - t)
    return out


def resp(*parts):
    return b"".join([f"*{len(parts)}\r\n".encode()] + [f"${len(p)}\r\n{p}\r\n".encode() for p in parts])


def pubsub_run(port):
    sub = socket.create_connection(("127.0.0.1", port))
    sub.sendall(resp("SUBSCRIBE", "lat"))
    sub.recv(4096)
    pub = socket.create_connection(("127.0.0.1", port))
    out = []
    for n in range(N):
        body = json.dumps({"type": "lat", "n": n})
        t = time.perf_counter()
        pub.sendall(resp("PUBLISH", "lat", body))
        got = b""
        while body.encode() not in got:
            got += sub.recv(4096)
        out.append(time.perf_counter() - t)
        pub.recv(64)
    return out


def summary(name, xs):
    xs = sorted(x * 1e3 for x in xs)
    print(f"{name:44s} p50 {xs[len(xs) // 2]:6.2f} ms  p99 {xs[int(len(xs) * 0.99)]:6.2f} ms  max {xs[-1]:6.2f} ms")


def main():
    procs = []
    try:
        rport = free_port()
        procs.append(subprocess.Popen(["redis-server", "--port", str(rport), "--bind", "127.0.0.1",
                                       "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL))
        wait_port(rport)
        alone, a, b = free_port(), free_port(), free_port()
        procs.append(relay(alone))
        url = f"redis://127.0.0.1:{rport}"
        procs.append(relay(a, "--backplane", url))
        procs.append(relay(b, "--backplane", url))
        relay_run(alone, alone)  # warm-up, not counted
        relay_run(a, b)
        print(f"{N} events, one at a time, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
        summary("one relay: POST -> SSE", relay_run(alone, alone))
        summary("backplane: POST at relay A -> SSE at relay B", relay_run(a, b))
        summary("redis pub/sub: PUBLISH -> subscriber", pubsub_run(rport))
    finally:
        for p in procs:
            p.kill()
            p.wait(10)


main()
