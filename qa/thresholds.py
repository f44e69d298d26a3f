"""The answer thresholds, in one place (each swept on the project's question sets)."""

FACT_MIN = 0.62              # below this a fact is not trusted as the answer
PASSAGE_MIN = 0.35           # sentence overlap needed for a descriptive answer
FIGURE_PASSAGE_MIN = 0.5     # a figure question answered by passages needs stronger evidence
SENTENCE_FIGURE_MIN = 0.45   # a figure read from a retrieved sentence
FIGURE_LEXICAL_BOOST = 2.0   # BM25 weight × this for figure questions (swept on tests/retrieval)
OCR_CONFIDENCE_MIN = 0.9     # an OCR figure below this is flagged as uncertain, not only as read from a scan
