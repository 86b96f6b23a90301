#!/usr/bin/env python3
"""Independent reader of TensorBoard event files, standard library only.

Used by the C# tests as a second reader that shares no code with the writer: it parses the
TFRecord framing, checks both masked CRC-32C per record with its own bitwise CRC, and decodes
the Event / Summary / Summary.Value protobufs by hand from the wire format.

Usage: read_tfevents.py FILE
Prints one JSON document: a list of events, each
  {"wall_time": float, "step": int, "file_version": str or null,
   "values": [{"tag": str, "simple_value_bits": int}]}
simple_value is given as its IEEE-754 bits so NaN and exact float32 values survive JSON.
Exits with status 2 and a message on stderr when the file is malformed.
"""
import json
import struct
import sys


def _make_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _make_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = _TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc(data):
    c = crc32c(data)
    return ((((c >> 15) | (c << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


class Malformed(Exception):
    pass


def read_varint(buf, pos):
    result = 0
    shift = 0
    while True:
        if pos >= len(buf):
            raise Malformed("varint runs past the end of the message")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        if shift >= 70:
            raise Malformed("varint longer than 10 bytes")


def fields(buf):
    """Yields (field number, wire type, value) for each field of a protobuf message."""
    pos = 0
    while pos < len(buf):
        key, pos = read_varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = read_varint(buf, pos)
        elif wire == 1:
            if pos + 8 > len(buf):
                raise Malformed("fixed64 field runs past the end")
            value = buf[pos:pos + 8]
            pos += 8
        elif wire == 2:
            length, pos = read_varint(buf, pos)
            if pos + length > len(buf):
                raise Malformed("length-delimited field %d runs past the end" % number)
            value = buf[pos:pos + length]
            pos += length
        elif wire == 5:
            if pos + 4 > len(buf):
                raise Malformed("fixed32 field runs past the end")
            value = buf[pos:pos + 4]
            pos += 4
        else:
            raise Malformed("unsupported wire type %d (field %d)" % (wire, number))
        yield number, wire, value


def expect(wire, wanted, what):
    if wire != wanted:
        raise Malformed("%s has wire type %d, expected %d" % (what, wire, wanted))


def decode_value(buf):
    out = {"tag": None, "simple_value_bits": None}
    for number, wire, value in fields(buf):
        if number == 1:
            expect(wire, 2, "Summary.Value.tag")
            out["tag"] = value.decode("utf-8")
        elif number == 2:
            expect(wire, 5, "Summary.Value.simple_value")
            out["simple_value_bits"] = struct.unpack("<I", value)[0]
    return out


def decode_event(buf):
    event = {"wall_time": None, "step": 0, "file_version": None, "values": []}
    for number, wire, value in fields(buf):
        if number == 1:
            expect(wire, 1, "Event.wall_time")
            event["wall_time"] = struct.unpack("<d", value)[0]
        elif number == 2:
            expect(wire, 0, "Event.step")
            event["step"] = value - (1 << 64) if value >= (1 << 63) else value
        elif number == 3:
            expect(wire, 2, "Event.file_version")
            event["file_version"] = value.decode("utf-8")
        elif number == 5:
            expect(wire, 2, "Event.summary")
            for n, w, v in fields(value):
                if n == 1:
                    expect(w, 2, "Summary.value")
                    event["values"].append(decode_value(v))
    return event


def read_records(data):
    pos = 0
    index = 0
    while pos < len(data):
        if pos + 12 > len(data):
            raise Malformed("record %d: truncated header at byte %d" % (index, pos))
        header = data[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", data[pos + 8:pos + 12])
        if length_crc != masked_crc(header):
            raise Malformed("record %d: length CRC mismatch at byte %d" % (index, pos))
        pos += 12
        if pos + length + 4 > len(data):
            raise Malformed("record %d: truncated data (length %d) at byte %d" % (index, length, pos))
        payload = data[pos:pos + length]
        (data_crc,) = struct.unpack("<I", data[pos + length:pos + length + 4])
        if data_crc != masked_crc(payload):
            raise Malformed("record %d: data CRC mismatch at byte %d" % (index, pos))
        pos += length + 4
        index += 1
        yield payload


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: read_tfevents.py FILE\n")
        return 1
    with open(argv[1], "rb") as f:
        data = f.read()
    try:
        events = [decode_event(r) for r in read_records(data)]
    except (Malformed, UnicodeDecodeError) as e:
        sys.stderr.write("malformed event file %s: %s\n" % (argv[1], e))
        return 2
    json.dump(events, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
