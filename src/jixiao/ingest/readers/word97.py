"""A Word 97 file whose text ends inside a table gets the paragraph mark Word always ends with.

LibreOffice saves a docx that ends with a table (python-docx writes such files, and so do systems
that fill forms) as a .doc whose main text stops at the table's last row-end mark. Reading such a
file back, LibreOffice never closes that table and turns it into one paragraph with every cell
glued together: the file's last form vanishes. Ending the text with an empty paragraph, as a .doc
saved by Word always does, makes the table read as one ([MS-DOC] 2.4.1: the main text ends with a
paragraph mark).

The repair only fills bytes the file already holds as padding (stream sizes never change): the
mark after the text, the text length in the FIB, the last piece and section, the last character
run, and a paragraph run with default properties. A file that is not laid out as expected is left
as it is.
"""

from __future__ import annotations

import io
import struct

import olefile

_FIB_FLAGS, _FC_MAC, _CCP_TEXT = 0x0A, 0x1C, 0x4C
_WHICH_TABLE, _COMPLEX = 0x0200, 0x0004
_FC_LCB = 154  # FibRgFcLcb97 in a Word 97–2003 FIB
_SED, _BTE_CHPX, _BTE_PAPX, _CLX = 6, 12, 13, 33
_PAGE = 512
_ROW_END, _MARK, _PADDING = b"\x07\x00", b"\r\x00", b"\x00\x00"


def end_with_paragraph(data: bytes) -> bytes:
    """``data`` with its main text ended by a paragraph mark when it ends in a table; else ``data``."""
    try:
        return _repaired(data) or data
    except (OSError, ValueError, IndexError, struct.error, AssertionError):
        return data


def _repaired(data: bytes) -> bytes | None:
    buf = io.BytesIO(data)
    ole = olefile.OleFileIO(buf, write_mode=True)
    w = bytearray(ole.openstream("WordDocument").read())
    flags = int.from_bytes(w[_FIB_FLAGS:_FIB_FLAGS + 2], "little")
    if flags & _COMPLEX:  # text in pieces saved fast: not what LibreOffice writes
        return None
    table_name = "1Table" if flags & _WHICH_TABLE else "0Table"
    t = bytearray(ole.openstream(table_name).read())
    fc_mac, = struct.unpack_from("<i", w, _FC_MAC)
    ccp, = struct.unpack_from("<i", w, _CCP_TEXT)
    if w[fc_mac - 2:fc_mac] != _ROW_END or w[fc_mac:fc_mac + 2] != _PADDING:
        return None
    if any(struct.unpack_from("<i", w, _CCP_TEXT + 4 * k)[0] for k in range(1, 7)):
        return None  # footnotes, headers, comments follow the main text: their positions would move

    def pair(index: int) -> tuple[int, int]:
        return struct.unpack_from("<II", w, _FC_LCB + 8 * index)

    fc, lcb = pair(_CLX)
    assert t[fc] == 2  # the piece table alone, no property runs before it
    pieces = (lcb - 5 - 4) // 12
    last_cp = fc + 5 + 4 * pieces
    assert struct.unpack_from("<i", t, last_cp)[0] == ccp
    struct.pack_into("<i", t, last_cp, ccp + 1)
    fc, lcb = pair(_SED)
    last_cp = fc + 4 * ((lcb - 4) // 16)
    assert struct.unpack_from("<i", t, last_cp)[0] == ccp
    struct.pack_into("<i", t, last_cp, ccp + 1)
    for index in (_BTE_CHPX, _BTE_PAPX):
        fc, lcb = pair(index)
        n = (lcb - 4) // 8
        struct.pack_into("<I", t, fc + 4 * n, fc_mac + 2)
        pn, = struct.unpack_from("<I", t, fc + 4 * (n + 1) + 4 * (n - 1))
        page = bytearray(w[pn * _PAGE:(pn + 1) * _PAGE])
        runs = page[_PAGE - 1]
        ends = list(struct.unpack_from(f"<{runs + 1}I", page, 0))
        if index == _BTE_CHPX:  # the last character run goes on over the mark
            ends[-1] = fc_mac + 2
            struct.pack_into(f"<{runs + 1}I", page, 0, *ends)
        else:  # a paragraph run of its own, default properties (offset 0): not in the table
            assert ends[-1] == fc_mac
            offsets = page[4 * (runs + 1):4 * (runs + 1) + 13 * runs]
            laid = struct.pack(f"<{runs + 2}I", *ends, fc_mac + 2) + bytes(offsets) + bytes(13)
            assert len(laid) <= min([2 * b for b in offsets[0::13] if b] or [_PAGE - 1])
            page[:len(laid)] = laid
            page[_PAGE - 1] = runs + 1
        w[pn * _PAGE:(pn + 1) * _PAGE] = page
    w[fc_mac:fc_mac + 2] = _MARK
    struct.pack_into("<i", w, _FC_MAC, fc_mac + 2)
    struct.pack_into("<i", w, _CCP_TEXT, ccp + 1)
    ole.write_stream("WordDocument", bytes(w))
    ole.write_stream(table_name, bytes(t))
    return buf.getvalue()
