"""``qresource profile``: a thin layer over qresource.profile (measure) and qresource.report.sparsity
(pictures and the text summary)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from qresource.cli.app import CONTEXT
from qresource.cli.params import FiniteFloat, IntListType, IntType
from qresource.core.errors import QResourceError
from qresource.core.io import atomic_write_text
from qresource.core.record import _jsonable
from qresource.profile import api
from qresource.profile.model import ModelName
from qresource.report.sparsity import summary_text, write_pictures

#: Options a --qk profile does not read.
_MODEL_ONLY = ("model", "text", "ns", "windows")


@click.command("profile", context_settings=CONTEXT)
@click.option("--model", type=click.Choice([m.value for m in ModelName]), default=ModelName.MINILM_L6.value,
              show_default=True, help="Pretrained encoder whose attention heads are measured.")
@click.option("--text", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="UTF-8 text to run [default: the bundled one, Alice's Adventures in Wonderland, "
                   "chapters I-II, public domain].")
@click.option("--n", "ns", type=IntListType(minimum=3), default="128", show_default=True,
              help="Sequence lengths (3..512): [CLS] + n - 2 tokens + [SEP]; a list gives the slope of k in n.")
@click.option("--windows", type=IntType(minimum=1), default=1, show_default=True,
              help="Consecutive windows of the text profiled at each n (rows pooled).")
@click.option("--tau", type=FiniteFloat(), default=None, help="Threshold tau > 0 [default: 2 ln n].")
@click.option("--qk", "qk_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Profile A = Q K^T from FILE.npz (arrays Q and K, each n x d, no scaling) instead of a model.")
@click.option("--json", "as_json", is_flag=True, help="Print the profile as one JSON object.")
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write profile.json, heatmap.png (mean k per layer and head) and, with several n, "
                   "k_vs_n.png (the densest heads) to DIR.")
@click.pass_context
def profile(ctx, model, text, ns, windows, tau, qk_path, as_json, output_dir):
    """Measure how sparse real attention heads are: per (layer, head), the entries of each row
    at or above tau (k), the gap condition of Theorem 1.3, and the slope of k in n, for the raw
    logits and for rows shifted to best meet the condition."""

    if tau is not None and not tau > 0:
        raise QResourceError(f"--tau must be positive, got {tau:g}")
    if qk_path is not None:
        given = [name for name in _MODEL_ONLY
                 if ctx.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT]
        if given:
            raise QResourceError(f"--qk takes only --tau, --json and --output-dir, not --{given[0].rstrip('s')}")
        result = api.profile_qk(qk_path, tau)
    else:
        result = api.profile_text(text, ns, model=model, windows=windows, tau=tau)
    payload = json.dumps(_jsonable(result), indent=2)
    if output_dir is not None:
        write_pictures(result, output_dir)
        atomic_write_text(output_dir / "profile.json", payload + "\n")
    click.echo(payload if as_json else summary_text(result))
