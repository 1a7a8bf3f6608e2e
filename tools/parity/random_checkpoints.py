"""Small random-weight Hugging Face checkpoints: config.json with HF field names and
model.safetensors with HF tensor names and layouts, one per architecture variant we must load."""
import torch



def random_gpt2(rng, cfg):
    d, L, V, P = cfg["n_embd"], cfg["n_layer"], cfg["vocab_size"], cfg["n_positions"]
    inner = cfg.get("n_inner") or 4 * d
    # std 0.3 rather than HF's 0.02 init: the logits must vary enough for a 1e-4 comparison to mean something.
    r = lambda *shape, s=0.3: torch.randn(*shape, generator=rng) * s  # noqa: E731
    W = {"transformer.wte.weight": r(V, d), "transformer.wpe.weight": r(P, d),
         "transformer.ln_f.weight": 1 + r(d, s=0.1), "transformer.ln_f.bias": r(d, s=0.1)}
    for i in range(L):
        p = f"transformer.h.{i}."
        W.update({p + "ln_1.weight": 1 + r(d, s=0.1), p + "ln_1.bias": r(d, s=0.1),
                  p + "attn.c_attn.weight": r(d, 3 * d), p + "attn.c_attn.bias": r(3 * d, s=0.1),
                  p + "attn.c_proj.weight": r(d, d), p + "attn.c_proj.bias": r(d, s=0.1),
                  p + "ln_2.weight": 1 + r(d, s=0.1), p + "ln_2.bias": r(d, s=0.1),
                  p + "mlp.c_fc.weight": r(d, inner), p + "mlp.c_fc.bias": r(inner, s=0.1),
                  p + "mlp.c_proj.weight": r(inner, d), p + "mlp.c_proj.bias": r(d, s=0.1)})
    return W


def random_llama(rng, cfg):
    d, L, V, H = cfg["hidden_size"], cfg["num_hidden_layers"], cfg["vocab_size"], cfg["num_attention_heads"]
    KV, I = cfg["num_key_value_heads"], cfg["intermediate_size"]
    hd = d // H
    bias = cfg["model_type"] == "qwen2"
    r = lambda *shape, s=0.3: torch.randn(*shape, generator=rng) * s  # noqa: E731
    W = {"model.embed_tokens.weight": r(V, d, s=0.5), "model.norm.weight": 1 + r(d, s=0.1)}
    if not cfg["tie_word_embeddings"]:
        W["lm_head.weight"] = r(V, d)
    for i in range(L):
        p = f"model.layers.{i}."
        W.update({p + "input_layernorm.weight": 1 + r(d, s=0.1), p + "post_attention_layernorm.weight": 1 + r(d, s=0.1),
                  p + "self_attn.q_proj.weight": r(H * hd, d), p + "self_attn.k_proj.weight": r(KV * hd, d),
                  p + "self_attn.v_proj.weight": r(KV * hd, d), p + "self_attn.o_proj.weight": r(d, H * hd),
                  p + "mlp.gate_proj.weight": r(I, d), p + "mlp.up_proj.weight": r(I, d), p + "mlp.down_proj.weight": r(d, I)})
        if bias:
            W.update({p + "self_attn.q_proj.bias": r(H * hd), p + "self_attn.k_proj.bias": r(KV * hd), p + "self_attn.v_proj.bias": r(KV * hd)})
    return W


def _llama_config(model_type, vocab, tie, dtype, theta, **extra):
    arch = {"llama": "LlamaForCausalLM", "qwen2": "Qwen2ForCausalLM"}[model_type]
    cfg = {"architectures": [arch], "model_type": model_type, "vocab_size": vocab, "hidden_size": 32,
           "intermediate_size": 48, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
           "hidden_act": "silu", "max_position_embeddings": 64, "rms_norm_eps": 1e-6, "rope_theta": theta,
           "rope_scaling": None, "tie_word_embeddings": tie, "torch_dtype": dtype, "bos_token_id": 1,
           "eos_token_id": 2, "initializer_range": 0.02, "use_cache": True, "transformers_version": "4.36.2"}
    cfg.update(extra)
    return cfg


# name → (config.json, tensor dtype on disk, random init). Every variant the loader must handle.
FIXTURES = {
    # GPT-2, tied lm_head (no lm_head.weight on disk), Conv1D [in, out]; the byte tokenizer's vocabulary.
    "gpt2": ({"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": 258, "n_embd": 32, "n_layer": 2,
              "n_head": 4, "n_positions": 64, "n_ctx": 64, "n_inner": None, "activation_function": "gelu_new",
              "layer_norm_epsilon": 1e-5, "scale_attn_weights": True, "scale_attn_by_inverse_layer_idx": False,
              "reorder_and_upcast_attn": False, "tie_word_embeddings": True, "bos_token_id": 256, "eos_token_id": 256,
              "pad_token_id": 257, "torch_dtype": "float32", "transformers_version": "4.36.2"}, torch.float32, random_gpt2),
    # Llama with grouped-query attention (4 query heads share 2 kv heads) and an untied lm_head.
    "llama-gqa": (_llama_config("llama", 96, False, "float32", 10000.0, attention_bias=False), torch.float32, random_llama),
    # Llama stored as BF16, as most released Llama checkpoints are.
    "llama-bf16": (_llama_config("llama", 80, False, "bfloat16", 500000.0, attention_bias=False), torch.bfloat16, random_llama),
    # Qwen2: Llama + q/k/v bias, tied embeddings.
    "qwen2": (_llama_config("qwen2", 128, True, "float32", 1000000.0, use_sliding_window=False, sliding_window=64,
                            max_window_layers=2), torch.float32, random_llama),
}

# The gpt2 fixture is a self-contained toy checkpoint: prefstream's ByteTokenizer with its default
# specials (<|endoftext|> = 256, <|pad|> = 257), in the files ByteTokenizer's saveTokenizer writes.
BYTE_TOKENIZER_FILES = {
    "prefstream_tokenizer.json": {"type": "byte", "special_tokens": ["<|endoftext|>", "<|pad|>"]},
    "tokenizer_config.json": {
        "tokenizer_class": "prefstream.byte", "bos_token": None, "eos_token": "<|endoftext|>", "pad_token": "<|pad|>",
        "unk_token": None, "add_bos_token": False,
        "chat_template": "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}{{ eos_token }}{% endfor %}"
                         "{% if add_generation_prompt %}assistant: {% endif %}",
    },
}
