#!/usr/bin/python3
"""Reference logits and parity fixtures for prefstream's CausalLM.

    /usr/bin/python3 tools/parity/reference.py fixtures     # self-checks, then (re)write packages/model/fixtures/
    /usr/bin/python3 tools/parity/reference.py check DIR EXPECTED.json
                                                      # load an HF directory (e.g. one written by
                                                      # CausalLM.save) and compare to expectations

See tools/parity/README.md for what is checked.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hf_models  # noqa: E402
import safetensors_io  # noqa: E402
import self_checks  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES_DIR = os.path.join(ROOT, "packages", "model", "fixtures")
HF_GPT2_TINY = os.path.join(ROOT, "..", "shared", "fixtures", "hf-gpt2-tiny")
TOLERANCE = 1e-4


def load_checkpoint(directory):
    """config.json + model.safetensors (or shards listed in model.safetensors.index.json),
    weights upcast to float32 as from_pretrained does by default."""
    with open(os.path.join(directory, "config.json")) as f:
        cfg = json.load(f)
    index = os.path.join(directory, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    weights = {}
    for name in files:
        weights.update(safetensors_io.load_file(os.path.join(directory, name)))
    return cfg, {k: v.float() for k, v in weights.items()}


def rounded(values):
    """float32 values as JSON numbers with 8 significant digits (float32 round-trips in 9; 8 is
    far below the 1e-4 tolerance and keeps the files small)."""
    return [float(f"{v:.8g}") for v in values]


def batch_expectation(name, cfg, W, ids, mask, vocab_slice=None):
    """Logits of a padded batch; padded positions are null (their values are not defined by HF)."""
    ids_t, mask_t = torch.tensor(ids), torch.tensor(mask)
    pos = hf_models.position_ids_from_mask(mask_t)
    logits = hf_models.forward(cfg, W, ids_t, mask_t, pos)  # (B, T, V)
    out = {"name": name, "input_ids": ids, "attention_mask": mask, "position_ids": pos.tolist()}
    rows = []
    for b in range(len(ids)):
        row = []
        for t in range(len(ids[b])):
            if not mask[b][t]:
                row.append(None)
                continue
            full = logits[b, t]
            picked = full if vocab_slice is None else full[vocab_slice]
            row.append(rounded(picked.tolist()))
        rows.append(row)
    out["logits"] = rows
    if vocab_slice is not None:
        # The full-vocabulary log-sum-exp checks every logit of the row at once, through log-softmax.
        out["logsumexp"] = [[float(f"{torch.logsumexp(logits[b, t], -1).item():.8g}") if mask[b][t] else None for t in range(len(ids[b]))] for b in range(len(ids))]
    return out


def padded_batches(rng, vocab, pad):
    """A right-padded and a left-padded batch of 3 rows, 7 positions, lengths 7, 5, 3."""
    lengths, T = [7, 5, 3], 7
    seqs = [torch.randint(0, vocab, (n,), generator=rng).tolist() for n in lengths]
    right = ([s + [pad] * (T - len(s)) for s in seqs], [[1] * len(s) + [0] * (T - len(s)) for s in seqs])
    left = ([[pad] * (T - len(s)) + s for s in seqs], [[0] * (T - len(s)) + [1] * len(s) for s in seqs])
    return {"right-padded": right, "left-padded": left}




def write_fixture(name, rng):
    from random_checkpoints import BYTE_TOKENIZER_FILES, FIXTURES
    cfg, dtype, init = FIXTURES[name]
    directory = os.path.join(FIXTURES_DIR, name)
    os.makedirs(directory, exist_ok=True)
    stored = {k: v.to(dtype) for k, v in init(rng, cfg).items()}
    with open(os.path.join(directory, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    safetensors_io.save_file(stored, os.path.join(directory, "model.safetensors"))
    if name == "gpt2":
        for file, content in BYTE_TOKENIZER_FILES.items():
            with open(os.path.join(directory, file), "w") as f:
                json.dump(content, f, indent=2)
                f.write("\n")
    # Expectations from the stored (possibly BF16-rounded) weights, read back like any checkpoint.
    cfg, W = load_checkpoint(directory)
    pad = cfg.get("pad_token_id") or 0
    batches = padded_batches(rng, cfg["vocab_size"], pad)
    self_checks.padding_invariance(cfg, W, batches, name)
    if cfg["model_type"] != "gpt2":
        self_checks.gqa_equals_repeated_mha(cfg, W)
    if cfg["model_type"] == "qwen2":
        self_checks.qwen2_zero_bias_equals_llama(cfg, W)
    scale = max(abs(v) for b in batches.values() for v in hf_models.forward(cfg, W, torch.tensor(b[0]), torch.tensor(b[1])).flatten().tolist())
    print(f"  largest |logit| {scale:.3g}")
    expected = {"fixture": name, "tolerance": TOLERANCE,
                "batches": [batch_expectation(n, cfg, W, ids, mask) for n, (ids, mask) in batches.items()]}
    write_expected(os.path.join(FIXTURES_DIR, f"{name}.expected.json"), expected)


def write_hf_gpt2_tiny(rng):
    """The real transformers-written checkpoint: V = 50,257 is too large to store whole rows, so
    we store logits for the first 64 ids and the row's full log-sum-exp."""
    cfg, W = load_checkpoint(HF_GPT2_TINY)
    self_checks.gpt2_first_position_by_hand(cfg, W, 15496)
    # "Hello world, this is a test." in GPT-2 ids, then the same text after <|endoftext|> left padding.
    text_ids = [15496, 995, 11, 428, 318, 257, 1332, 13]
    batches = {"right-padded": ([text_ids, text_ids[:5] + [50256] * 3], [[1] * 8, [1] * 5 + [0] * 3]),
               "left-padded": ([text_ids, [50256] * 3 + text_ids[:5]], [[1] * 8, [0] * 3 + [1] * 5])}
    self_checks.padding_invariance(cfg, W, batches, "hf-gpt2-tiny")
    expected = {"fixture": "hf-gpt2-tiny", "tolerance": TOLERANCE, "vocab_slice": [0, 64],
                "batches": [batch_expectation(n, cfg, W, ids, mask, slice(0, 64)) for n, (ids, mask) in batches.items()]}
    write_expected(os.path.join(FIXTURES_DIR, "hf-gpt2-tiny.expected.json"), expected)


def write_expected(path, expected):
    with open(path, "w") as f:
        json.dump(expected, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)}")


def check(directory, expected_path):
    """Reverse parity: logits of `directory` (e.g. written by prefstream's CausalLM.save) against
    an expectations file. Exit status 1 on a mismatch."""
    cfg, W = load_checkpoint(directory)
    with open(expected_path) as f:
        expected = json.load(f)
    worst = 0.0
    for batch in expected["batches"]:
        logits = hf_models.forward(cfg, W, torch.tensor(batch["input_ids"]), torch.tensor(batch["attention_mask"]))
        lo, hi = expected.get("vocab_slice", [0, logits.shape[-1]])
        for b, row in enumerate(batch["logits"]):
            for t, values in enumerate(row):
                if values is not None:
                    worst = max(worst, (logits[b, t, lo:hi] - torch.tensor(values)).abs().max().item())
    ok = worst <= expected["tolerance"]
    print(f"{directory}: max abs logit diff {worst:.3g} vs {expected_path} ({'ok' if ok else 'MISMATCH'})")
    return 0 if ok else 1


def main(argv):
    torch.set_num_threads(2)
    if argv[:1] == ["check"] and len(argv) == 3:
        return check(argv[1], argv[2])
    if argv != ["fixtures"]:
        print(__doc__)
        return 2
    from random_checkpoints import FIXTURES
    rng = torch.Generator().manual_seed(20261128)
    os.makedirs(FIXTURES_DIR, exist_ok=True)
    print("hf-gpt2-tiny (real transformers checkpoint):")
    write_hf_gpt2_tiny(rng)
    for name in FIXTURES:
        print(f"{name}:")
        write_fixture(name, rng)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
