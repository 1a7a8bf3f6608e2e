"""A GPT-2-style decoder in plain PyTorch for the baseline benchmark: the same shapes and
operations as prefstream's GPT-2 (fused qkv, pre-LayerNorm, tanh GELU, learned positions, tied
head), with a KV cache for generation."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.ln_1, self.ln_2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.c_attn, self.c_proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.c_fc, self.mlp_proj = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def forward(self, x, cache=None):
        B, T, d = x.shape
        hd = d // self.heads
        q, k, v = self.c_attn(self.ln_1(x)).split(d, dim=2)
        q, k, v = (t.view(B, T, self.heads, hd).transpose(1, 2) for t in (q, k, v))  # (B, H, T, hd)
        if cache is not None:
            if "k" in cache:
                k, v = torch.cat((cache["k"], k), 2), torch.cat((cache["v"], v), 2)
            cache["k"], cache["v"] = k, v
        S = k.shape[2]
        w = (q @ k.transpose(-1, -2)) / math.sqrt(hd)  # (B, H, T, S)
        # Causal over the full key length: query i (absolute position S - T + i) sees keys ≤ it.
        causal = torch.ones(T, S, dtype=torch.bool).tril(S - T)
        w = w.masked_fill(~causal, float("-inf"))
        o = (torch.softmax(w, -1) @ v).transpose(1, 2).reshape(B, T, d)
        x = x + self.c_proj(o)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, vocab, d, layers, heads, positions):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(vocab, d), nn.Embedding(positions, d)
        self.blocks = nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)

    def forward(self, ids, caches=None, start=0):
        T = ids.shape[1]
        x = self.wte(ids) + self.wpe(torch.arange(start, start + T))
        for i, block in enumerate(self.blocks):
            x = block(x, None if caches is None else caches[i])
        return self.ln_f(x) @ self.wte.weight.T  # (B, T, V), tied head


def completion_logps(model, ids, completion_mask):
    """Σ_t log p(ids_t | ids_<t) over completion positions: (B, T) → (B,)."""
    logits = model(ids)[:, :-1]  # predicts ids[:, 1:]
    logp = torch.log_softmax(logits, -1).gather(-1, ids[:, 1:, None])[..., 0]
    return (logp * completion_mask[:, 1:]).sum(-1)


@torch.no_grad()
def generate(model, prompt, new_tokens, generator):
    """Samples `new_tokens` tokens (temperature 1) with a KV cache: (B, P) → (B, P + new)."""
    caches = [dict() for _ in model.blocks]
    logits = model(prompt, caches)
    out, pos = [prompt], prompt.shape[1]
    for _ in range(new_tokens):
        nxt = torch.multinomial(torch.softmax(logits[:, -1], -1), 1, generator=generator)  # (B, 1)
        out.append(nxt)
        logits = model(nxt, caches, start=pos)
        pos += 1
    return torch.cat(out, 1)
