"""HTTP speed of a real server on this machine: start-up, memory, /v1/drafts under load, batch throughput.

    python benchmarks/api.py [--workers 2] [--seconds 20] [--connections 8]

Needs `wrk` (apt-get install wrk) for the load step: a Python client on the same two cores would be the
bottleneck, not the server. Bodies are held-out reviews; nothing is written to the repository.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import held_out_reviews  # noqa: E402

LUA = """local bodies = {}
for line in io.lines(os.getenv("BODIES")) do bodies[#bodies + 1] = line end
local i = 0
request = function() i = i % #bodies + 1
  return wrk.format("POST", "/v1/drafts", {["Content-Type"] = "application/json"}, bodies[i]) end
"""


def post(base: str, path: str, body: dict) -> tuple[int, bytes]:
    req = urllib.request.Request(base + path, json.dumps(body, ensure_ascii=False).encode(),
                                 {"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=300) as r:
        return r.status, r.read()


def start(workers: int) -> tuple[subprocess.Popen, str, float]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "training", "serve", "--port", str(port), "--workers", str(workers), "--no-access-log"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    while time.perf_counter() - t0 < 60:
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=1) as r:
                if r.status == 200:
                    # with several workers, wait until each has loaded (readyz answers from whichever is up)
                    break
        except OSError:
            time.sleep(0.05)
    return proc, base, time.perf_counter() - t0


def batch_rate(base: str, chunks: list[list[str]], clients: int) -> float:
    """Reviews per second over all chunks, sent by `clients` threads at once (one per worker keeps all busy)."""
    from concurrent.futures import ThreadPoolExecutor

    def send(chunk: list[str]) -> int:
        status, _ = post(base, "/v1/drafts/batch", {"items": [{"id": j, "review": x} for j, x in enumerate(chunk)]})
        return len(chunk) if status == 200 else 0

    t = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        done = sum(pool.map(send, chunks))
    return done / (time.perf_counter() - t)


def rss_mb(proc: subprocess.Popen) -> list[int]:
    out = subprocess.run(f"ps -o rss= --ppid {proc.pid}; ps -o rss= -p {proc.pid}", shell=True,
                         capture_output=True, text=True).stdout.split()
    return [int(x) // 1024 for x in out]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--connections", type=int, default=8)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    texts = held_out_reviews(6000)
    proc, base, ready = start(args.workers)
    try:
        print(f"start to ready: {ready:.2f}s ({args.workers} worker(s))")
        time.sleep(2)  # let every worker finish loading before measuring
        for i in range(50):
            post(base, "/v1/drafts", {"review": texts[i]})
        folder = Path(tempfile.mkdtemp())
        (folder / "bodies.txt").write_text("".join(json.dumps({"review": t}, ensure_ascii=False) + "\n" for t in texts[:3000]),
                                           encoding="utf-8")
        (folder / "post.lua").write_text(LUA)
        out = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--latency", "-s",
                              str(folder / "post.lua"), base], capture_output=True, text=True,
                             env=dict(os.environ, BODIES=str(folder / "bodies.txt"))).stdout
        shutil.rmtree(folder)
        keep = [l.strip() for l in out.splitlines() if re.search(r"Requests/sec|Latency|50%|90%|99%|Non-2xx|Socket errors|requests in", l)]
        print(f"/v1/drafts, {args.connections} connections, {args.seconds}s (wrk):\n  " + "\n  ".join(keep))
        chunks = [texts[i:i + 500] for i in range(3000, 6000, 500)]
        for clients in (1, args.workers):
            print(f"/v1/drafts/batch (500 per request, {clients} client(s) at once): "
                  f"{batch_rate(base, chunks, clients):,.0f} reviews/s")
        print(f"resident memory per process (MB): {rss_mb(proc)}")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)


if __name__ == "__main__":
    main()
