#!/usr/bin/env python3
"""Standalone checker for proto/testdata, using only the standard library and protobuf
(apt-get install python3-protobuf, or pip install protobuf). For every golden frame: the .bin has the
listed sha256, parses as federa.v1.Envelope (schema from federa.v1.desc) to the listed proto3 JSON, and
that JSON parses back to the same message; each listed Chunk stream has the right indices and hashes
and joins to its payload frame. Exit 0 when all hold.

Usage: python3 proto/testdata/check.py [testdata dir]
"""
import hashlib
import json
import os
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory


def envelope_class(testdata):
    files = descriptor_pb2.FileDescriptorSet()
    with open(os.path.join(testdata, "federa.v1.desc"), "rb") as f:
        files.ParseFromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for file in files.file:
        pool.Add(file)
    descriptor = pool.FindMessageTypeByName("federa.v1.Envelope")
    if hasattr(message_factory, "GetMessageClass"):  # protobuf >= 4.21
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(pool).GetPrototype(descriptor)


def check(testdata):
    envelope = envelope_class(testdata)
    with open(os.path.join(testdata, "goldens.json"), encoding="utf-8") as f:
        goldens = json.load(f)
    frames, streams = goldens["frames"], goldens["streams"]
    failures = []
    for golden in frames:
        with open(os.path.join(testdata, golden["file"]), "rb") as f:
            data = f.read()
        if hashlib.sha256(data).hexdigest() != golden["sha256"]:
            failures.append(f"{golden['file']}: sha256 differs")
        message = envelope()
        message.ParseFromString(data)
        decoded = json_format.MessageToDict(message, preserving_proto_field_name=True)
        if decoded != golden["json"]:
            failures.append(f"{golden['file']}: decodes to {json.dumps(decoded)}")
        if json_format.ParseDict(golden["json"], envelope()) != message:
            failures.append(f"{golden['file']}: the JSON does not parse to the same message")
    for stream in streams:
        failures += check_stream(testdata, envelope, stream)
    return len(frames) + len(streams), failures


def check_stream(testdata, envelope, stream):
    """A Chunk stream: pieces in order, each chunk_sha256 right, and together exactly the payload frame."""
    with open(os.path.join(testdata, stream["payload"]), "rb") as f:
        payload = f.read()
    chunks = []
    for file in stream["chunks"]:
        message = envelope()
        with open(os.path.join(testdata, file), "rb") as f:
            message.ParseFromString(f.read())
        chunks.append(message.chunk)
    failures = []
    for i, c in enumerate(chunks):
        if c.index != i or c.total != len(chunks) or c.total_bytes != len(payload):
            failures.append(f"stream of {stream['payload']}: chunk {i} bounds")
        if hashlib.sha256(c.data).digest() != c.chunk_sha256:
            failures.append(f"stream of {stream['payload']}: chunk {i} chunk_sha256")
        if hashlib.sha256(payload).digest() != c.payload_sha256:
            failures.append(f"stream of {stream['payload']}: chunk {i} payload_sha256")
    if b"".join(c.data for c in chunks) != payload:
        failures.append(f"stream of {stream['payload']}: the pieces do not join to the payload")
    return failures


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    count, failures = check(sys.argv[1] if len(sys.argv) > 1 else here)
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    print(f"{count - len(failures)}/{count} golden frames and streams ok")
    sys.exit(0 if not failures else 1)
