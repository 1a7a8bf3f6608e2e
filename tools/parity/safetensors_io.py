"""Reading and writing the safetensors format in plain Python (struct + json + torch).

The `safetensors` package is not installable here, and the format is small enough to write out:

    [8 bytes: little-endian u64 N][N bytes: JSON header][raw little-endian tensor data]

The header maps each tensor name to {"dtype", "shape", "data_offsets": [begin, end]} (offsets
relative to the end of the header) plus an optional "__metadata__" of string → string.
Format spec: https://github.com/huggingface/safetensors#format
"""
import json
import struct

import torch

# safetensors dtype names ↔ torch dtypes (the subset our checkpoints use).
DTYPES = {
    "F32": torch.float32,
    "F16": torch.float16,
    "BF16": torch.bfloat16,
    "I64": torch.int64,
    "I32": torch.int32,
}
NAMES = {v: k for k, v in DTYPES.items()}


def read_header(path):
    """Returns (header dict without __metadata__, metadata dict, byte offset of the data)."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    metadata = header.pop("__metadata__", {})
    return header, metadata, 8 + n


def load_file(path):
    """Returns {name: torch tensor} with each tensor's stored dtype and shape."""
    header, _, start = read_header(path)
    with open(path, "rb") as f:
        blob = f.read()
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        dtype = DTYPES[info["dtype"]]
        raw = bytearray(blob[start + begin : start + end])  # writable copy: frombuffer warns on bytes
        flat = torch.frombuffer(raw, dtype=dtype) if end > begin else torch.empty(0, dtype=dtype)
        tensors[name] = flat.reshape(info["shape"]).clone()
    return tensors


def save_file(tensors, path, metadata=None):
    """Writes {name: tensor} like the safetensors library: names sorted, data contiguous,
    header padded with spaces to a multiple of 8 bytes so the data is aligned."""
    header = {"__metadata__": metadata or {"format": "pt"}}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].contiguous()
        # Through uint8 because numpy has no bfloat16; the bytes are the same either way.
        data = t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in chunks:
            f.write(data)
