"""The backup archive as bytes on disk: a gzip-compressed tar, optionally wrapped in chunked Fernet encryption.

Encrypted layout: ``MAGIC``, then chunks, each a 4-byte big-endian length and a raw Fernet token (the token's
bytes, not its base64 text). A chunk's clear text starts with its index (8 bytes) and a last-chunk flag (1 byte),
so chunks cannot be dropped, repeated, reordered or cut off at the end without the reader noticing: Fernet's HMAC
covers each chunk, the index and flag cover their sequence. Chunks keep memory flat whatever the archive's size.

Beside the archive, ``<archive>.sha256`` holds its SHA-256 in ``sha256sum`` format (``sha256sum -c`` checks it).
"""

from __future__ import annotations

import base64
import hashlib
import io
import struct
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

MAGIC = b"CEIS-BACKUP-FERNET-1\n"
CHUNK_BYTES = 4 * 1024 * 1024
_HEADER = struct.Struct(">QB")
_LENGTH = struct.Struct(">I")
_MAX_TOKEN = CHUNK_BYTES * 2 + 1024


class ArchiveError(Exception):
    """The archive cannot be used: damaged, tampered with, or the key is wrong. The message says which."""


class WrongKey(ArchiveError):
    pass


class EncryptingWriter(io.RawIOBase):
    """A write-only stream that encrypts what it is given in Fernet chunks onto ``raw``; ``close`` ends it."""

    def __init__(self, raw, key: Fernet):
        self.raw = raw
        self.key = key
        self.buffer = bytearray()
        self.index = 0
        raw.write(MAGIC)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.buffer += data
        while len(self.buffer) >= CHUNK_BYTES:
            self._emit(bytes(self.buffer[:CHUNK_BYTES]), last=False)
            del self.buffer[:CHUNK_BYTES]
        return len(data)

    def _emit(self, data: bytes, *, last: bool) -> None:
        token = base64.urlsafe_b64decode(self.key.encrypt(_HEADER.pack(self.index, int(last)) + data))
        self.raw.write(_LENGTH.pack(len(token)) + token)
        self.index += 1

    def close(self) -> None:
        if not self.closed:
            self._emit(bytes(self.buffer), last=True)
            self.buffer.clear()
        super().close()


class DecryptingReader(io.RawIOBase):
    """Reads back what ``EncryptingWriter`` wrote, checking every chunk and their sequence."""

    def __init__(self, raw, keys: MultiFernet):
        self.raw = raw
        self.keys = keys
        self.pending = b""
        self.index = 0
        self.finished = False
        if raw.read(len(MAGIC)) != MAGIC:
            raise ArchiveError("not an encrypted ceis backup")

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> None:
        head = self.raw.read(_LENGTH.size)
        if len(head) < _LENGTH.size:
            raise ArchiveError("the encrypted archive ends before its last chunk: it is truncated")
        (length,) = _LENGTH.unpack(head)
        if length > _MAX_TOKEN:
            raise ArchiveError("the encrypted archive is damaged (a chunk of impossible length)")
        token = self.raw.read(length)
        if len(token) < length:
            raise ArchiveError("the encrypted archive ends inside a chunk: it is truncated")
        try:
            clear = self.keys.decrypt(base64.urlsafe_b64encode(token))
        except InvalidToken as exc:
            if self.index == 0:
                raise WrongKey(
                    "the archive cannot be decrypted with BACKUP_ENCRYPTION_KEY: wrong key, or the archive was altered"
                ) from exc
            raise ArchiveError("a chunk of the encrypted archive was altered or damaged") from exc
        index, last = _HEADER.unpack(clear[: _HEADER.size])
        if index != self.index:
            raise ArchiveError("the chunks of the encrypted archive are out of order or missing")
        self.index += 1
        self.pending = clear[_HEADER.size :]
        if last:
            self.finished = True
            if self.raw.read(1):
                raise ArchiveError("the encrypted archive has data after its last chunk")

    def readinto(self, buffer) -> int:
        while not self.pending and not self.finished:
            self._next_chunk()
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n


def is_encrypted(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(len(MAGIC)) == MAGIC


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def write_sidecar(path: Path, digest: str) -> Path:
    sidecar = sidecar_path(path)
    sidecar.write_text(f"{digest}  {path.name}\n")
    return sidecar


def check_sidecar(path: Path) -> None:
    """Compare the archive with its ``.sha256`` file; raise ``ArchiveError`` when missing or different."""
    sidecar = sidecar_path(path)
    if not sidecar.is_file():
        raise ArchiveError(f"the checksum file {sidecar.name} is missing: it travels with the archive")
    expected = sidecar.read_text().split()[:1]
    if not expected or expected[0].lower() != sha256_of(path):
        raise ArchiveError("the archive does not match its checksum file: it was altered or damaged")
