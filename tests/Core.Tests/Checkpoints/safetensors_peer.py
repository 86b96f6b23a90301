#!/usr/bin/env python3
"""An independent safetensors reader and writer (standard library only: struct + json), used by the C#
tests as a peer implementation of reference/file-formats.md.

  safetensors_peer.py read FILE    -> prints JSON {"metadata": {...}, "tensors": {name: {dtype, shape,
                                      data_offsets, values}}, "order": [names by offset], "header_len": N}
                                      after checking the format's rules; exits 1 with a message if broken.
  safetensors_peer.py write FILE   -> writes a small file by hand (header keys deliberately not in data order).
"""
import json
import struct
import sys

FORMATS = {"F64": ("d", 8), "F32": ("f", 4), "I64": ("q", 8), "I32": ("i", 4), "I16": ("h", 2),
           "I8": ("b", 1), "U8": ("B", 1), "BOOL": ("?", 1), "F16": ("e", 2)}


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


def read(path):
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        fail("shorter than 8 bytes")
    (n,) = struct.unpack("<Q", blob[:8])
    if 8 + n > len(blob):
        fail("header larger than file")
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    meta = header.pop("__metadata__", {})
    for k, v in meta.items():
        if not isinstance(v, str):
            fail("metadata %s is not a string" % k)
    spans = sorted((info["data_offsets"][0], info["data_offsets"][1], name) for name, info in header.items())
    cursor = 0
    for begin, end, name in spans:
        if begin != cursor:
            fail("tensor %s begins at %d, expected %d (hole or overlap)" % (name, begin, cursor))
        cursor = end
    if cursor != len(data):
        fail("buffer has %d bytes, tensors cover %d" % (len(data), cursor))
    tensors = {}
    for name, info in header.items():
        code, size = FORMATS[info["dtype"]]
        count = 1
        for d in info["shape"]:
            count *= d
        begin, end = info["data_offsets"]
        if end - begin != count * size:
            fail("tensor %s: %d bytes for %d elements of %s" % (name, end - begin, count, info["dtype"]))
        values = list(struct.unpack("<%d%s" % (count, code), data[begin:end]))
        # JSON has no NaN/inf; encode them as strings so the C# side can compare exactly.
        values = [v if not isinstance(v, float) or v == v and abs(v) != float("inf") else repr(v) for v in values]
        tensors[name] = {"dtype": info["dtype"], "shape": info["shape"], "data_offsets": [begin, end], "values": values}
    print(json.dumps({"metadata": meta, "tensors": tensors, "order": [s[2] for s in spans], "header_len": n}))


def write(path):
    a = struct.pack("<3f", 1.5, -2.25, 3.0)          # "weights" F32 [3]
    b = struct.pack("<2q", -7, 1 << 40)              # "counts" I64 [2]
    c = struct.pack("<d", 0.1)                       # "scale" F64 [] (scalar)
    # Data order: counts, weights, scale; header lists them in another order on purpose.
    header = {
        "weights": {"dtype": "F32", "shape": [3], "data_offsets": [16, 28]},
        "__metadata__": {"source": "python", "nested": json.dumps({"x": [1, 2]})},
        "scale": {"dtype": "F64", "shape": [], "data_offsets": [28, 36]},
        "counts": {"dtype": "I64", "shape": [2], "data_offsets": [0, 16]},
    }
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))        # no padding: readers must not require it
        f.write(text)
        f.write(b + a + c)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("read", "write"):
        fail(__doc__)
    (read if sys.argv[1] == "read" else write)(sys.argv[2])
