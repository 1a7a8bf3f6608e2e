"""Independent PyTorch forward passes of Hugging Face GPT-2, Llama and Qwen2.

Written from the Hugging Face transformers v4.36 modeling code (the version that wrote
fixtures/hf-gpt2-tiny); each step cites the statement it reproduces, e.g. `modeling_gpt2.py
GPT2Attention._attn: attn_weights = torch.matmul(query, key.transpose(-1, -2))`. No dropout
(eval mode), no KV cache: one full forward over (B, T) token ids.

Weights are a flat {Hugging Face tensor name: tensor} dict, upcast to float32 as
`from_pretrained` does without `torch_dtype` (so a BF16 checkpoint runs in float32 on its
BF16-rounded values).
"""
import math

import torch
import torch.nn.functional as F

F32_MIN = torch.finfo(torch.float32).min


def position_ids_from_mask(mask):
    """Positions counted over real tokens only, as transformers' generate passes them
    (modeling_gpt2.py GPT2LMHeadModel.prepare_inputs_for_generation:
    `position_ids = attention_mask.long().cumsum(-1) - 1; position_ids.masked_fill_(attention_mask == 0, 1)`).
    With left padding, the first real token of every row gets position 0."""
    pos = mask.long().cumsum(-1) - 1
    return pos.masked_fill(mask == 0, 1)


# ---------------------------------------------------------------- GPT-2 (modeling_gpt2.py)

def gelu_new(x):
    # activations.py NewGELUActivation: 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


GPT2_ACTIVATIONS = {"gelu_new": gelu_new, "gelu": F.gelu, "relu": F.relu, "gelu_pytorch_tanh": lambda x: F.gelu(x, approximate="tanh")}


def conv1d(x, w, b):
    # pytorch_utils.py Conv1D.forward: `x = torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight)`
    # — the weight is stored [in, out], the transpose of nn.Linear's [out, in].
    return x @ w + b


def gpt2_forward(cfg, W, ids, mask, position_ids):
    """(B, T) int64 ids, (B, T) 0/1 mask, (B, T) positions → (B, T, V) float32 logits."""
    d, H = cfg["n_embd"], cfg["n_head"]
    hd = d // H
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    act = GPT2_ACTIVATIONS[cfg.get("activation_function", "gelu_new")]
    B, T = ids.shape
    p = "transformer."
    # GPT2Model.forward: `hidden_states = inputs_embeds + position_embeds`
    h = W[p + "wte.weight"][ids] + W[p + "wpe.weight"][position_ids]  # (B, T, d)
    # GPT2Model.forward: `attention_mask = (1.0 - attention_mask) * torch.finfo(self.dtype).min`, shape (B, 1, 1, T)
    additive = (1.0 - mask.float())[:, None, None, :] * F32_MIN
    causal = torch.tril(torch.ones(T, T, dtype=torch.bool))[None, None]  # GPT2Attention: `self.bias` buffer
    for i in range(cfg["n_layer"]):
        q_ = f"{p}h.{i}."
        a = F.layer_norm(h, (d,), W[q_ + "ln_1.weight"], W[q_ + "ln_1.bias"], eps)
        # GPT2Attention.forward: `query, key, value = self.c_attn(hidden_states).split(self.split_size, dim=2)`
        q, k, v = conv1d(a, W[q_ + "attn.c_attn.weight"], W[q_ + "attn.c_attn.bias"]).split(d, dim=2)
        # GPT2Attention._split_heads: (B, T, d) → (B, H, T, hd)
        q, k, v = (t.view(B, T, H, hd).permute(0, 2, 1, 3) for t in (q, k, v))
        # GPT2Attention._attn: `attn_weights = torch.matmul(query, key.transpose(-1, -2))`, then
        # `/ value.size(-1) ** 0.5` (scale_attn_weights), `torch.where(causal_mask, attn_weights, mask_value)`
        # with mask_value = finfo.min, then `attn_weights + attention_mask`, softmax over keys.
        w = (q @ k.transpose(-1, -2)) / (hd ** 0.5)
        if cfg.get("scale_attn_by_inverse_layer_idx", False):
            w = w / float(i + 1)
        w = torch.where(causal, w, torch.tensor(F32_MIN)) + additive
        o = torch.softmax(w, dim=-1) @ v  # (B, H, T, hd)
        o = o.permute(0, 2, 1, 3).reshape(B, T, d)  # GPT2Attention._merge_heads
        h = h + conv1d(o, W[q_ + "attn.c_proj.weight"], W[q_ + "attn.c_proj.bias"])  # GPT2Block: residual
        m = F.layer_norm(h, (d,), W[q_ + "ln_2.weight"], W[q_ + "ln_2.bias"], eps)
        # GPT2MLP.forward: c_fc → act → c_proj
        m = conv1d(act(conv1d(m, W[q_ + "mlp.c_fc.weight"], W[q_ + "mlp.c_fc.bias"])), W[q_ + "mlp.c_proj.weight"], W[q_ + "mlp.c_proj.bias"])
        h = h + m
    h = F.layer_norm(h, (d,), W[p + "ln_f.weight"], W[p + "ln_f.bias"], eps)  # GPT2Model: `self.ln_f`
    # GPT2LMHeadModel: `lm_head = nn.Linear(n_embd, vocab_size, bias=False)`, tied to wte
    # (PreTrainedModel.tie_weights), so save_pretrained writes no lm_head.weight.
    head = W.get("lm_head.weight", W[p + "wte.weight"])
    return h @ head.T


# ---------------------------------------------------------------- Llama / Qwen2 (modeling_llama.py, modeling_qwen2.py)

def rms_norm(x, weight, eps):
    # LlamaRMSNorm.forward: variance = hidden_states.to(float32).pow(2).mean(-1, keepdim=True);
    # hidden_states * torch.rsqrt(variance + self.variance_epsilon); return self.weight * hidden_states
    variance = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(variance + eps))


def rotate_half(x):
    # modeling_llama.py rotate_half: `x1 = x[..., : x.shape[-1] // 2]; x2 = x[..., x.shape[-1] // 2 :];
    # return torch.cat((-x2, x1), dim=-1)`
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def rope_cos_sin(position_ids, head_dim, theta):
    # LlamaRotaryEmbedding: `inv_freq = 1.0 / (self.base ** (torch.arange(0, self.dim, 2).float() / self.dim))`,
    # `freqs = torch.outer(t, self.inv_freq)`, `emb = torch.cat((freqs, freqs), dim=-1)`; cos/sin indexed by position_ids.
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
    freqs = position_ids.float()[..., None] * inv_freq  # (B, T, hd/2)
    emb = torch.cat((freqs, freqs), dim=-1)  # (B, T, hd)
    return emb.cos()[:, None], emb.sin()[:, None]  # (B, 1, T, hd): apply_rotary_pos_emb unsqueezes dim 1


def repeat_kv(x, n_rep):
    # modeling_llama.py repeat_kv: (B, KV, T, hd) → (B, KV * n_rep, T, hd); head h reads kv head h // n_rep.
    B, KV, T, hd = x.shape
    return x[:, :, None].expand(B, KV, n_rep, T, hd).reshape(B, KV * n_rep, T, hd)


def linear(x, W, name, bias=False):
    # nn.Linear: weight stored [out, in]; `y = x @ W.T (+ b)`
    y = x @ W[name + ".weight"].T
    return y + W[name + ".bias"] if bias else y


def llama_forward(cfg, W, ids, mask, position_ids):
    """Llama (and Qwen2 when `qkv_bias`): (B, T) ids → (B, T, V) float32 logits."""
    d, H = cfg["hidden_size"], cfg["num_attention_heads"]
    KV = cfg.get("num_key_value_heads") or H
    hd = cfg.get("head_dim") or d // H
    eps = cfg.get("rms_norm_eps", 1e-6)
    theta = cfg.get("rope_theta", 10000.0)
    # Qwen2Attention: q/k/v_proj have bias=True, o_proj bias=False; Llama: `bias=config.attention_bias` (default False).
    qkv_bias = cfg["model_type"] == "qwen2" or cfg.get("attention_bias", False)
    B, T = ids.shape
    h = W["model.embed_tokens.weight"][ids]  # (B, T, d)
    # modeling_attn_mask_utils.py AttentionMaskConverter: causal min above the diagonal, then
    # `causal_4d_mask.masked_fill(expanded_attn_mask.bool(), torch.finfo(dtype).min)` for padded keys.
    causal = torch.tril(torch.ones(T, T, dtype=torch.bool))[None, None]
    allowed = causal & mask.bool()[:, None, None, :]
    additive = torch.zeros(B, 1, T, T).masked_fill(~allowed, F32_MIN)
    cos, sin = rope_cos_sin(position_ids, hd, theta)
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        a = rms_norm(h, W[p + "input_layernorm.weight"], eps)
        q = linear(a, W, p + "self_attn.q_proj", qkv_bias).view(B, T, H, hd).transpose(1, 2)
        k = linear(a, W, p + "self_attn.k_proj", qkv_bias).view(B, T, KV, hd).transpose(1, 2)
        v = linear(a, W, p + "self_attn.v_proj", qkv_bias).view(B, T, KV, hd).transpose(1, 2)
        # apply_rotary_pos_emb: `q_embed = (q * cos) + (rotate_half(q) * sin)`, same for k
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k, v = repeat_kv(k, H // KV), repeat_kv(v, H // KV)
        # LlamaAttention.forward: `torch.matmul(query_states, key_states.transpose(2, 3)) / math.sqrt(self.head_dim)`,
        # `+ attention_mask`, `softmax(attn_weights, dim=-1, dtype=torch.float32)`
        w = (q @ k.transpose(2, 3)) / math.sqrt(hd) + additive
        o = (torch.softmax(w, dim=-1) @ v).transpose(1, 2).reshape(B, T, H * hd)
        h = h + linear(o, W, p + "self_attn.o_proj")
        m = rms_norm(h, W[p + "post_attention_layernorm.weight"], eps)
        # LlamaMLP.forward: `down_proj(act_fn(gate_proj(x)) * up_proj(x))`, act = hidden_act (silu)
        m = linear(F.silu(linear(m, W, p + "mlp.gate_proj")) * linear(m, W, p + "mlp.up_proj"), W, p + "mlp.down_proj")
        h = h + m
    h = rms_norm(h, W["model.norm.weight"], eps)
    # LlamaForCausalLM: `lm_head = nn.Linear(hidden_size, vocab_size, bias=False)`, tied to embed_tokens
    # only when config.tie_word_embeddings (then save_pretrained omits lm_head.weight).
    head = W["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings", False) else W["lm_head.weight"]
    return h @ head.T


# config.json model_type → forward
ARCHITECTURES = {"gpt2": gpt2_forward, "llama": llama_forward, "mistral": llama_forward, "qwen2": llama_forward}


def forward(cfg, W, ids, mask, position_ids=None):
    """Logits of any supported architecture; positions default to the mask-derived ones."""
    if position_ids is None:
        position_ids = position_ids_from_mask(mask)
    with torch.no_grad():
        return ARCHITECTURES[cfg["model_type"]](cfg, W, ids, mask, position_ids)
