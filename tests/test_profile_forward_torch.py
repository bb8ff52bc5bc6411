"""The numpy forward pass of all-MiniLM-L6-v2 against an independent one: PyTorch's own
TransformerEncoderLayer (post-LayerNorm, GELU, 12 heads: BERT's layer) loaded with the same
weights. Skipped, saying so, where PyTorch is not installed (the project never installs it;
any CPU build works: ``pip install torch``)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qresource.profile import api
from qresource.profile.model import attention_logits, load_encoder

torch = pytest.importorskip("torch", reason="PyTorch is not installed: the independent check of the numpy "
                                            "forward pass against torch.nn.TransformerEncoderLayer is skipped")

TOLERANCE = 1e-4


def _torch_logits(encoder, windows: np.ndarray) -> list[np.ndarray]:
    """Per layer, Q K^T / sqrt(d_head) of every head, with hidden states computed by PyTorch's layers."""
    w = {key: torch.from_numpy(np.ascontiguousarray(value, dtype=np.float32)) for key, value in encoder.weights.items()}
    hidden_size, heads = encoder.hidden, encoder.heads
    embed_norm = torch.nn.LayerNorm(hidden_size, eps=encoder.layer_norm_eps)
    embed_norm.load_state_dict({"weight": w["embeddings.LayerNorm.weight"], "bias": w["embeddings.LayerNorm.bias"]})
    ids = torch.from_numpy(windows)
    count, n = windows.shape
    out = []
    with torch.no_grad():
        x = embed_norm(w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n]
                       + w["embeddings.token_type_embeddings.weight"][0])
        for layer in range(encoder.layers):
            p = f"encoder.layer.{layer}."
            block = torch.nn.TransformerEncoderLayer(
                hidden_size, heads, dim_feedforward=w[p + "intermediate.dense.weight"].shape[0], dropout=0.0,
                activation="gelu", layer_norm_eps=encoder.layer_norm_eps, batch_first=True, norm_first=False)
            block.load_state_dict({
                "self_attn.in_proj_weight": torch.cat([w[p + f"attention.self.{m}.weight"] for m in ("query", "key", "value")]),
                "self_attn.in_proj_bias": torch.cat([w[p + f"attention.self.{m}.bias"] for m in ("query", "key", "value")]),
                "self_attn.out_proj.weight": w[p + "attention.output.dense.weight"],
                "self_attn.out_proj.bias": w[p + "attention.output.dense.bias"],
                "linear1.weight": w[p + "intermediate.dense.weight"], "linear1.bias": w[p + "intermediate.dense.bias"],
                "linear2.weight": w[p + "output.dense.weight"], "linear2.bias": w[p + "output.dense.bias"],
                "norm1.weight": w[p + "attention.output.LayerNorm.weight"],
                "norm1.bias": w[p + "attention.output.LayerNorm.bias"],
                "norm2.weight": w[p + "output.LayerNorm.weight"], "norm2.bias": w[p + "output.LayerNorm.bias"],
            })
            block.eval()
            q = torch.nn.functional.linear(x, w[p + "attention.self.query.weight"], w[p + "attention.self.query.bias"])
            k = torch.nn.functional.linear(x, w[p + "attention.self.key.weight"], w[p + "attention.self.key.bias"])
            q = q.reshape(count, n, heads, -1).transpose(1, 2)
            k = k.reshape(count, n, heads, -1).transpose(1, 2)
            out.append((q @ k.transpose(-1, -2) / math.sqrt(hidden_size // heads)).numpy())
            x = block(x)
    return out


@pytest.mark.parametrize("n", [128, 512])
def test_numpy_logits_match_pytorch(n):
    encoder = load_encoder()
    text, _ = api.read_text(None)
    cls, sep = encoder.special_ids()
    windows = api.token_windows(encoder.token_ids(text), n, 2, cls, sep, encoder.positions)
    ours = list(attention_logits(encoder, windows))
    theirs = _torch_logits(encoder, windows)
    assert len(ours) == len(theirs) == encoder.layers
    worst = max(float(np.abs(a - b).max()) for a, b in zip(ours, theirs))
    print(f"n = {n}: largest |numpy - torch| over all logits of all layers and heads = {worst:.3g}")
    assert worst < TOLERANCE
