#!/usr/bin/env python3
"""What one moto S3 endpoint costs per GiB uploaded, without any backup tool in the way (issue 14's noise).

Uploads ROUNDS x COUNT objects of SIZE bytes (random, one body reused) with PARALLEL connections into a fresh bucket per
round, and prints moto's CPU (user + system, from /proc/<pid>/stat) and the wall time of each round. Nothing is reset
between rounds, as in bench/files/run.sh, where every tool's backups stay in moto until the phase ends.

    python3 bench/files/moto-cost.py --port 5711 --pid "$(pgrep -f 'moto_server.*5711')" --size 8388608 --count 128

Requests are unsigned (moto does not check signatures until /moto-api/reset-auth). Run it on a moto of its own: it
leaves its buckets behind (POST /moto-api/reset frees them).
"""
import argparse
import http.client
import os
import subprocess
import threading
import time


def moto_cpu(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def upload_round(port, bucket, count, body, parallel):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    subprocess.run(["aws", "--region", "us-east-1", "--endpoint-url", f"http://127.0.0.1:{port}", "s3api", "create-bucket",
                    "--bucket", bucket], check=True, env=env, stdout=subprocess.DEVNULL)
    auth = "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00"
    keys = iter(range(count))
    lock = threading.Lock()
    failures = []

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port)
        while True:
            with lock:
                i = next(keys, None)
            if i is None:
                return
            conn.request("PUT", f"/{bucket}/k{i}", body=body, headers={
                "Authorization": auth, "Content-Length": str(len(body)), "x-amz-content-sha256": "UNSIGNED-PAYLOAD"})
            reply = conn.getresponse()
            reply.read()
            if reply.status != 200:
                failures.append(reply.status)

    threads = [threading.Thread(target=worker) for _ in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise SystemExit(f"{len(failures)} PUTs failed, first status {failures[0]}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int, required=True, help="moto_server's process id (its CPU is read from /proc)")
    p.add_argument("--size", type=int, default=8 << 20, help="bytes per object (moto keeps up to 5 MiB - 1 KiB in memory, spills larger ones to a temporary file)")
    p.add_argument("--count", type=int, default=128)
    p.add_argument("--parallel", type=int, default=4)
    p.add_argument("--rounds", type=int, default=4)
    a = p.parse_args()
    body = os.urandom(a.size)
    gib = a.size * a.count / (1 << 30)
    print(f"{a.count} x {a.size} bytes ({gib:.2f} GiB) per round, {a.parallel} connections")
    for r in range(1, a.rounds + 1):
        c0, t0 = moto_cpu(a.pid), time.time()
        upload_round(a.port, f"moto-cost-{os.getpid()}-{r}", a.count, body, a.parallel)
        cpu, wall = moto_cpu(a.pid) - c0, time.time() - t0
        print(f"round {r}: moto CPU {cpu:.2f} s ({cpu / gib:.2f} s/GiB), wall {wall:.2f} s")


if __name__ == "__main__":
    main()
