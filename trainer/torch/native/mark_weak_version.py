#!/usr/bin/env python3
"""Marks a symbol-version requirement (e.g. GLIBCXX_3.4.32) of an ELF64 little-endian shared library as weak
(VER_FLG_WEAK in its Vernaux entry), so the dynamic loader no longer refuses to load the library when the
providing library lacks that version. Usage: mark_weak_version.py LIBRARY VERSION. Exit 0 when marked or
already weak, 1 when the library does not require VERSION, 2 on a malformed file."""
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def main(path: str, version: str) -> int:
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            print(f"{path}: not an ELF64 little-endian file", file=sys.stderr)
            return 2
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
        for sh in sections:
            if sh[1] != SHT_GNU_VERNEED:
                continue
            strtab = sections[sh[6]]  # sh_link: the string table the entries name into
            off = sh[4]
            while True:
                _, vn_cnt, _, vn_aux, vn_next = struct.unpack_from("<HHIII", data, off)
                aux = off + vn_aux
                for _ in range(vn_cnt):
                    _, flags, _, name, next_aux = struct.unpack_from("<IHHII", data, aux)
                    start = strtab[4] + name
                    label = data[start:data.index(0, start)].decode()
                    if label == version:
                        struct.pack_into("<H", data, aux + 4, flags | VER_FLG_WEAK)
                        f.seek(0)
                        f.write(data)
                        return 0
                    if next_aux == 0:
                        break
                    aux += next_aux
                if vn_next == 0:
                    break
                off += vn_next
    print(f"{path} does not require {version}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
