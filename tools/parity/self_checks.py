"""Checks of the reference implementation against itself, each one catching a class of mistake
that comparing two of our own implementations would not:

- padding invariance: every real position of a right- or left-padded row has the logits of the
  same tokens run alone (masking and mask-derived positions are right);
- GQA = MHA with duplicated kv heads (repeat_kv maps query head h to kv head h // n_rep);
- Qwen2 with zero q/k/v bias = Llama with the same weights (the bias is the only difference);
- the real HF GPT-2 checkpoint: tied head, and a hand-computed first position (n_embd = 2).
"""
import torch

import hf_models


def _close(a, b, what, tol=1e-5):
    """Max abs difference within `tol` relative to the logits' scale (float32 sums of ~d terms)."""
    err = (a - b).abs().max().item()
    tol = tol * max(1.0, b.abs().max().item())
    assert err <= tol, f"self-check failed: {what}: max abs diff {err:.3g} > {tol}"
    print(f"  ok  {what} (max abs diff {err:.2g})")


def padding_invariance(cfg, W, batches, what):
    for name, (ids, mask) in batches.items():
        logits = hf_models.forward(cfg, W, torch.tensor(ids), torch.tensor(mask))
        for b, (row, m) in enumerate(zip(ids, mask)):
            real = [t for t in range(len(row)) if m[t]]
            alone = hf_models.forward(cfg, W, torch.tensor([[row[t] for t in real]]), torch.ones(1, len(real), dtype=torch.long))
            _close(logits[b, real], alone[0], f"{what} {name} row {b} = the row alone")


def gqa_equals_repeated_mha(cfg, W):
    H, KV = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd = cfg["hidden_size"] // H
    mha_cfg, mha_W = dict(cfg, num_key_value_heads=H), dict(W)
    for i in range(cfg["num_hidden_layers"]):
        for proj in ("k_proj", "v_proj"):
            for part in ("weight", "bias"):
                name = f"model.layers.{i}.self_attn.{proj}.{part}"
                if name in W:
                    # (KV·hd, …) → (H·hd, …): query head h gets kv head h // (H/KV)
                    shape = W[name].shape
                    mha_W[name] = W[name].view(KV, hd, -1).repeat_interleave(H // KV, dim=0).reshape(H * hd, *shape[1:])
    ids = torch.randint(0, cfg["vocab_size"], (2, 6), generator=torch.Generator().manual_seed(1))
    mask = torch.ones_like(ids)
    _close(hf_models.forward(cfg, W, ids, mask), hf_models.forward(mha_cfg, mha_W, ids, mask), "GQA = MHA with repeated kv heads")


def qwen2_zero_bias_equals_llama(cfg, W):
    zero = {k: (torch.zeros_like(v) if k.endswith("_proj.bias") else v) for k, v in W.items()}
    ids = torch.randint(0, cfg["vocab_size"], (2, 6), generator=torch.Generator().manual_seed(2))
    mask = torch.ones_like(ids)
    llama_cfg = dict(cfg, model_type="llama", attention_bias=False)
    _close(hf_models.forward(cfg, zero, ids, mask), hf_models.forward(llama_cfg, zero, ids, mask), "Qwen2 with zero q/k/v bias = Llama")
    with_bias = hf_models.forward(cfg, W, ids, mask)
    assert (with_bias - hf_models.forward(cfg, zero, ids, mask)).abs().max() > 1e-3, "self-check failed: Qwen2 biases have no effect"


def gpt2_first_position_by_hand(cfg, W, token):
    """At t = 0 attention sees only itself (softmax = 1), so the block is a closed formula."""
    import math
    x = W["transformer.wte.weight"][token] + W["transformer.wpe.weight"][0]
    ln = lambda v, p: (v - v.mean()) / torch.sqrt(v.var(unbiased=False) + cfg["layer_norm_epsilon"]) * W[p + ".weight"] + W[p + ".bias"]  # noqa: E731
    for i in range(cfg["n_layer"]):
        p = f"transformer.h.{i}."
        d = cfg["n_embd"]
        v = (ln(x, p + "ln_1") @ W[p + "attn.c_attn.weight"] + W[p + "attn.c_attn.bias"])[2 * d:]
        x = x + v @ W[p + "attn.c_proj.weight"] + W[p + "attn.c_proj.bias"]
        u = ln(x, p + "ln_2") @ W[p + "mlp.c_fc.weight"] + W[p + "mlp.c_fc.bias"]
        g = 0.5 * u * (1 + torch.tanh(math.sqrt(2 / math.pi) * (u + 0.044715 * u ** 3)))
        x = x + g @ W[p + "mlp.c_proj.weight"] + W[p + "mlp.c_proj.bias"]
    expected = ln(x, "transformer.ln_f") @ W["transformer.wte.weight"].T
    got = hf_models.forward(cfg, W, torch.tensor([[token]]), torch.ones(1, 1, dtype=torch.long))[0, 0]
    _close(got, expected, "HF GPT-2 position 0 = closed formula (tied head)", tol=1e-4)
