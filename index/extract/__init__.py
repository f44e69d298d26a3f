"""Extraction: figures and what they mean, from parsed tables and paragraphs. Numbers and units
(`numbers`, `units`), the period a figure describes (`periods`), subject labels and their
lookup keys (`subjects`, `subject_keys`), table rows (`text_tables`) → table facts, sentences →
prose facts (`facts` is the entry point), achievement and target statements with their metrics
(`statements`, `metrics`), consistency checks (`checks`), OCR provenance. All pure.

May import: `index.records`, `index.errors`. Not `read` (it works on its records), nor any later stage.
"""
