"""multilingual-e5 passages through ONNX Runtime: the sentence-transformers model exported to
ONNX (fp32, or int8 by dynamic per-channel quantisation) by scripts/build_onnx.py, run with the
model folder's own fast tokenizer, graph optimised by ONNX Runtime at load; texts past 512 tokens
truncated (as sentence-transformers does); mean pooling and L2 normalisation as the model's
modules say. No torch at run time."""
from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from index.search.prefixed import PrefixedEncoder, cpu_threads, default_prefixes


class OnnxEmbedder(PrefixedEncoder):
    backend = "onnx"

    def __init__(self, model_dir: str | Path, onnx_file: str | Path, *, name: str | None = None,
                 num_threads: int | None = None, max_seq_length: int = 512,
                 batch_tokens: int | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_dir, onnx_file = Path(model_dir), Path(onnx_file)
        if not onnx_file.exists():
            raise FileNotFoundError(f"passage model {onnx_file} not found: build it with `make install` "
                                    f"(scripts/build_onnx.py), or set QA_EMBED_BACKEND=st")
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_seq_length)
        self.tokenizer.enable_padding(pad_id=self.tokenizer.token_to_id("<pad>") or 0)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = num_threads or cpu_threads()
        opts.inter_op_num_threads = 1
        # threads that wait sleep instead of spinning: on 2 shared cores (the parsing worker, other
        # processes) spinning burnt a third more CPU for the same vectors and was slower
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(onnx_file), opts, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.name = name or model_dir.name
        self.passage_prefix, self.query_prefix = default_prefixes(self.name)
        self.dim = int(self._encode(["x"]).shape[1])
        self.batch_tokens = batch_tokens
        self._lock = threading.Lock()

    def _lengths(self, texts: list[str]) -> list[int]:
        return [sum(e.attention_mask) for e in self.tokenizer.encode_batch(texts)]

    def _encode(self, texts: list[str]) -> np.ndarray:
        enc = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = self.session.run(None, feed)[0]                   # [n, tokens, dim]
        m = mask[:, :, None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        return (pooled / np.linalg.norm(pooled, axis=1, keepdims=True)).astype(np.float32)

