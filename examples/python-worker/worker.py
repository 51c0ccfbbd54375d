#!/usr/bin/env python3
"""A Baton custom worker in Python, speaking JWP/1 (docs/protocol.md) over pyzmq.

It runs the custom action type Test/Custom/WordCount/1: it downloads the input artifact
(checking its SHA-256), counts the words of every file in it, streams a log line, reports
progress, and succeeds with the output variable `Words`, or fails when the count is below the
action's `Minimum` configuration. Usage: worker.py tcp://127.0.0.1:7600 [worker-id]
"""
import hashlib, io, json, sys, time, uuid, zipfile
import zmq

SIGNATURE = b"JWP1"
HELLO, POLL, ACK, PROGRESS, LOG, SUCCESS, FAILURE, HEARTBEAT = 0x01, 0x02, 0x03, 0x05, 0x06, 0x07, 0x08, 0x09
WELCOME, JOB, ACKED, RESULT_ACK, CANCEL, DISCONNECT = 0x81, 0x82, 0x83, 0x84, 0x85, 0x8A
FETCH, CHUNK, ARTIFACT_ERROR = 0x20, 0xA0, 0xAF
ACTION_TYPE = {"category": "Test", "owner": "Custom", "provider": "WordCount", "version": "1"}


def send(socket, command, header, payload=None):
    frames = [SIGNATURE, bytes([command]), json.dumps(header).encode()]
    socket.send_multipart(frames + ([payload] if payload is not None else []))


class Worker:
    def __init__(self, endpoint, worker_id):
        self.context = zmq.Context()
        self.control = self.context.socket(zmq.DEALER)
        self.control.connect(endpoint)
        self.endpoint, self.worker_id, self.session = endpoint, worker_id, str(uuid.uuid4())
        self.last_seq, self.running = 0, []

    def receive(self, socket, wanted, timeout_ms):
        """The next message with a command in `wanted`; answers heartbeats while waiting."""
        deadline = time.monotonic() + timeout_ms / 1000
        while (left := deadline - time.monotonic()) > 0:
            if not socket.poll(int(left * 1000)):
                break
            frames = socket.recv_multipart()
            if len(frames) < 3 or frames[0] != SIGNATURE:
                print("dropped a malformed message", file=sys.stderr)
                continue
            command, header = frames[1][0], json.loads(frames[2])
            if command == DISCONNECT:
                sys.exit(f"coordinator said: {header['reason']}")
            if command in wanted:
                return command, header, frames[3] if len(frames) > 3 else None
            self.heartbeat_if_due()
        return None, None, None

    def heartbeat_if_due(self):
        if time.monotonic() >= self.next_heartbeat:
            send(self.control, HEARTBEAT, {"running": self.running, "freeSlots": 0 if self.running else 1})
            self.next_heartbeat = time.monotonic() + self.interval

    def register(self):
        send(self.control, HELLO, {"workerId": self.worker_id, "session": self.session, "actionTypes": [ACTION_TYPE],
                                   "labels": {"language": "python"}, "maxSlots": 1, "running": []})
        _, welcome, _ = self.receive(self.control, {WELCOME}, 10_000)
        if welcome is None:
            sys.exit(f"no WELCOME from {self.endpoint}")
        self.interval, self.chunk_size = welcome["heartbeatIntervalMs"] / 1000, welcome["chunkSize"]
        self.next_heartbeat = time.monotonic() + self.interval
        self.artifacts = self.context.socket(zmq.DEALER)
        self.artifacts.connect(self.endpoint.rsplit(":", 1)[0] + f":{welcome['artifactPort']}")
        print(f"{self.worker_id} connected", flush=True)

    def fetch(self, artifact):
        """Downloads an input artifact chunk by chunk, hashing as it goes."""
        data, digest = bytearray(), hashlib.sha256()
        while True:
            send(self.artifacts, FETCH, {"digest": artifact["sha256"], "offset": len(data), "length": self.chunk_size})
            command, header, payload = self.receive(self.artifacts, {CHUNK, ARTIFACT_ERROR}, 30_000)
            if command != CHUNK:
                raise RuntimeError(f"cannot fetch input artifact {artifact['name']}: {header}")
            data += payload
            digest.update(payload)
            if header["eof"]:
                break
        if digest.hexdigest() != artifact["sha256"]:
            raise RuntimeError(f"input artifact {artifact['name']} is corrupt: expected sha256:{artifact['sha256']}, got sha256:{digest.hexdigest()}")
        return bytes(data)

    def run(self, job):
        claim = {"jobId": job["jobId"], "nonce": job["nonce"]}
        data = job["data"]
        words = 0
        for artifact in data["inputArtifacts"]:
            with zipfile.ZipFile(io.BytesIO(self.fetch(artifact))) as archive:
                for name in archive.namelist():
                    if not name.endswith("/"):
                        words += len(archive.read(name).split())
        send(self.control, PROGRESS, {**claim, "percentComplete": 100, "summary": f"counted {words} words"})
        send(self.control, LOG, {**claim, "stream": "output", "offset": 0}, f"counted {words} words\n".encode())
        minimum = int(data["actionConfiguration"]["configuration"].get("Minimum", "0"))
        if words < minimum:
            return FAILURE, {**claim, "failure": {"type": "JobFailed", "message": f"only {words} words; at least {minimum} needed"}}
        return SUCCESS, {**claim, "outputs": {"artifacts": [], "variables": {"Words": str(words)}, "summary": f"{words} words"}}

    def serve(self):
        self.register()
        send(self.control, POLL, {"freeSlots": 1, "lastJobSeq": self.last_seq})
        while True:
            command, job, _ = self.receive(self.control, {JOB}, 1_000)
            self.heartbeat_if_due()
            if command is None:
                continue
            self.last_seq = job["jobSeq"]
            send(self.control, ACK, {"jobId": job["jobId"], "nonce": job["nonce"]})
            _, acked, _ = self.receive(self.control, {ACKED}, 10_000)
            if acked and acked["status"] == "InProgress":
                self.running = [{"jobId": job["jobId"], "nonce": job["nonce"]}]
                try:
                    result_command, result = self.run(job)
                except Exception as error:  # the job could not run: report it, never crash
                    result_command, result = FAILURE, {"jobId": job["jobId"], "nonce": job["nonce"],
                                                       "failure": {"type": "JobFailed", "message": str(error)}}
                result["resultId"] = str(uuid.uuid4())
                wait = 1_000
                while True:  # at-least-once: retransmit until RESULT_ACK
                    send(self.control, result_command, result)
                    _, ack, _ = self.receive(self.control, {RESULT_ACK}, wait)
                    if ack and ack["resultId"] == result["resultId"]:
                        print(f"job {job['jobId']}: {ack['outcome']}", flush=True)
                        break
                    wait = min(wait * 2, 30_000)
                self.running = []
            send(self.control, POLL, {"freeSlots": 1, "lastJobSeq": self.last_seq})


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    Worker(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "python-worker").serve()
